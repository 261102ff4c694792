/**
 * The one source of "now" for domain code. Tests replace `clock.now` to move time
 * (lockouts, token expiry, TOTP steps) instead of sleeping.
 */
export const clock = {
  now: (): number => Date.now(),
};

export const nowIso = (): string => new Date(clock.now()).toISOString();
export const nowSeconds = (): number => Math.floor(clock.now() / 1000);
