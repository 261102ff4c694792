import { randomInt } from 'node:crypto';
import { nowSeconds } from '../clock';
import { keyedHash } from './crypto';

export const ISSUER = 'Gatehouse';
const STEP_SECONDS = 30;

// otplib and the QR encoder load on first use (their own chunk in the Lambda bundle): most
// requests, and most sign-ins, never touch two-factor.
const otp = () => import('otplib');

/** A new RFC 6238 secret: 160 random bits, base32. */
export const newTotpSecret = async (): Promise<string> => (await otp()).generateSecret({ length: 20 });

export async function enrolment(secret: string, slug: string, login: string) {
  const [{ generateURI }, { create: createQr }, { render: renderSvg }] = await Promise.all([
    otp(),
    // The SVG path of qrcode only: its default entry also loads a PNG encoder we never use.
    import('qrcode/lib/core/qrcode.js'),
    import('qrcode/lib/renderer/svg-tag.js'),
  ]);
  const otpauthUri = generateURI({ issuer: ISSUER, label: `${slug}/${login}`, secret });
  const qrCodeSvg = renderSvg(createQr(otpauthUri, { errorCorrectionLevel: 'M' }), { margin: 2 });
  return { secret, otpauthUri, qrCodeSvg };
}

/**
 * Checks a 6-digit code at the server's clock with one step of drift either way, refusing
 * any step at or before `afterStep` (the last one accepted): a code is never accepted twice.
 * Returns the step matched, for the caller to record atomically.
 */
export async function verifyTotp(secret: string, code: string, afterStep?: number): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const epoch = nowSeconds();
  const result = await (await otp()).verify({
    secret,
    token: code,
    epoch,
    epochTolerance: STEP_SECONDS,
    ...(afterStep !== undefined ? { afterTimeStep: afterStep } : {}),
  });
  // The functional API types the HOTP and TOTP results as one; delta is common to both.
  return result.valid ? Math.floor(epoch / STEP_SECONDS) + result.delta : undefined;
}

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes of 12 characters (about 59 bits each), shown once, stored as keyed hashes. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

export const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
export const recoveryCodeHash = (userId: string, code: string) => keyedHash('recovery', `${userId}\0${normalizeRecoveryCode(code)}`);
export const isRecoveryCodeShape = (code: string) => normalizeRecoveryCode(code).length === 12;
