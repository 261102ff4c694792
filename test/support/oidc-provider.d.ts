// oidc-provider ships no declarations; the test uses its constructor, `use` and `listen` only.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    use(middleware: (ctx: { path: string; get(name: string): string }, next: () => Promise<void>) => Promise<void>): void;
    listen(port: number, host: string): Server;
  }
}
