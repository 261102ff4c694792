/**
 * Where to go after signing in: the page the person was sent away from, and never another
 * site (`//evil.example`, `/\evil.example` and absolute URLs fall back to the account page).
 */
export const nextPath = (query: URLSearchParams): string => {
  const next = query.get('next') ?? '';
  return /^\/(?![/\\])/.test(next) ? next : '/account';
};
