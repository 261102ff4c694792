/**
 * The little of jsdom the SVG cleaner uses. @types/jsdom pulls the DOM lib into the whole
 * server build (and breaks other files' types), so the API is declared here instead.
 */
declare module 'jsdom' {
  export class JSDOM {
    constructor(html?: string);
    readonly window: {
      DOMParser: new () => { parseFromString(source: string, type: string): JsdomDocument };
      XMLSerializer: new () => { serializeToString(node: unknown): string };
    };
  }
  export interface JsdomElement {
    localName: string;
    namespaceURI: string | null;
    getAttribute(name: string): string | null;
    setAttribute(name: string, value: string): void;
  }
  export interface JsdomDocument {
    documentElement: JsdomElement;
    getElementsByTagName(name: string): { length: number };
  }
}
