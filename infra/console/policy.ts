import { fileURLToPath } from 'node:url';

/** Where `vite build` writes the console; served by `npm start` and uploaded by the stack. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));
export const CONSOLE_CONFIG = fileURLToPath(new URL('../../console/vite.config.ts', import.meta.url));

/**
 * The paths the API owns on the shared origin; everything else is the console. One list for
 * the CloudFront behaviours and the local server (a test checks every route falls under it).
 */
export const API_PATH_PATTERNS = ['/v1/*', '/health', '/.well-known/*', '/oauth2/*', '/scim/*', '/sso/saml/*', '/sso/oidc/*'] as const;

export const isApiPath = (path: string) =>
  API_PATH_PATTERNS.some((pattern) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern));

/**
 * The console runs only its own bundled script: no inline code, no eval, no third-party
 * origin. `img-src data:` is for the QR code the API sends as SVG; `connect-src 'self'` is the
 * API on the same origin.
 *
 * The email-template HTML preview (tenant-written, untrusted; console/src/email-preview-frame.tsx)
 * is decided here, not by loosening this policy:
 * - It is an `<iframe srcdoc>`. A srcdoc document is not fetched, so `frame-src` does not
 *   govern it: `frame-src 'none'` stays, and no page can ever be framed from anywhere, the
 *   email's own `<iframe>`s included.
 * - The frame is sandboxed without `allow-scripts`: its `<script>`, event handlers and
 *   `javascript:` links never run, whatever the policy says (test/e2e/email-preview.test.ts
 *   checks it in Chromium). Forms, popups and top navigation are refused by the sandbox too.
 * - The srcdoc document inherits this very policy (its policy container is the console's), so
 *   even a frame with scripts would get only the console's own files, and CSS `url()`s reach
 *   this origin and `data:` only. The policy's refusal of inline styles would strip an email of
 *   its look, so the console copies the email's styles in through CSSOM, which CSP does not
 *   govern; `'unsafe-inline'` for styles is never granted to the console for a preview.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every console file is served with, locally and by CloudFront. */
export const CONSOLE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cross-origin-opener-policy': 'same-origin',
} as const;
