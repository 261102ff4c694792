import type { Reply } from './pipeline';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * A page for the person's browser where OpenID Connect says not to redirect (an unknown
 * client or redirect URI, an unregistered post-logout address). Plain HTML without script or
 * style; everything shown is escaped.
 */
export function htmlPage(status: number, title: string, message: string): Reply {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(title)} · Gatehouse</title>
</head>
<body>
<main>
<h1>${escape(title)}</h1>
<p>${escape(message)}</p>
<p>Go back to the application you came from and try again. If this keeps happening, tell its owner.</p>
</main>
</body>
</html>
`;
  // The pipeline's security headers give HTML answers a CSP of `default-src 'none'`, sandboxed and unframeable.
  return { status, html };
}
