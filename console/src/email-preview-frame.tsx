import { useEffect, useRef } from 'preact/hooks';

/**
 * An email's HTML (tenant-written Liquid output: untrusted) shown as the mail program would show
 * it, without any of it running. The decision, and why each part is there, is written beside
 * the console's Content-Security-Policy (infra/console/policy.ts):
 *
 * - `srcdoc` in a frame sandboxed with `allow-same-origin` ONLY: the browser runs no script,
 *   event handler, `javascript:` URL, form, popup or top navigation of the document at all.
 *   NEVER add `allow-scripts` here: with `allow-same-origin` that would let the email's script
 *   remove the sandbox and act as the console.
 * - The frame inherits the console's CSP, which refuses inline styles; email HTML is nothing
 *   but inline styles, so the console copies them in through CSSOM (a style property and a
 *   constructed stylesheet, which CSP does not govern). That needs the document to be
 *   reachable from here: `allow-same-origin`. Nothing else is read from or written into it.
 */
export function EmailPreviewFrame(props: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const applyStyles = () => {
      const document = element.contentDocument;
      const view = document?.defaultView as (Window & typeof globalThis) | null | undefined;
      if (!document || !view) return;
      for (const node of document.querySelectorAll<HTMLElement>('[style]')) node.style.cssText = node.getAttribute('style') ?? '';
      const sheets: CSSStyleSheet[] = [];
      for (const style of document.querySelectorAll('style')) {
        const sheet = new view.CSSStyleSheet();
        try {
          sheet.replaceSync(style.textContent ?? '');
          sheets.push(sheet);
        } catch {
          // A stylesheet the parser refuses is left out, as a mail program would.
        }
      }
      document.adoptedStyleSheets = sheets;
    };
    element.addEventListener('load', applyStyles);
    return () => element.removeEventListener('load', applyStyles);
  }, []);
  return <iframe ref={frame} title={props.title} sandbox="allow-same-origin" srcdoc={props.html} style={{ width: '100%', height: '480px', border: '1px solid var(--line)' }} />;
}
