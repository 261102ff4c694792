import { CONSOLE_CONFIG } from './policy';

/** Builds the console with Vite (about a second); `npm start` and the browser tests call it. */
export async function buildConsole(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: CONSOLE_CONFIG, logLevel: 'warn' });
}
