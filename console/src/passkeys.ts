import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import { request } from './api';
import type { Tokens } from './types';

/**
 * The browser half of passkeys, on @simplewebauthn/browser: the API hands out W3C JSON options
 * and takes the JSON answers these functions return, unchanged.
 */

type Options = Record<string, unknown>;

export const passkeysSupported = () => typeof window !== 'undefined' && browserSupportsWebAuthn();

export const createPasskey = (options: Options) => startRegistration({ optionsJSON: options as never });
export const usePasskey = (options: Options) => startAuthentication({ optionsJSON: options as never });

/** A person who closed the browser's dialog is not an error worth showing. */
export const cancelled = (error: unknown) => error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError');

/**
 * "Sign in with a passkey": options from the API, the browser's passkey dialog (or, with
 * `autofill`, the login field's suggestions: conditional UI), then tokens.
 */
export async function signInWithPasskey(options: { org?: string; autofill?: boolean } = {}): Promise<Tokens | undefined> {
  if (options.autofill && !(await browserSupportsWebAuthnAutofill())) return undefined;
  const { body } = await request<{ session: string; options: Options }>('POST', '/v1/auth/passkey/options', {
    anonymous: true,
    body: options.org ? { org: options.org } : {},
  });
  const response = await startAuthentication({ optionsJSON: body.options as never, useBrowserAutofill: options.autofill ?? false });
  const { body: tokens } = await request<Tokens>('POST', '/v1/auth/passkey', {
    anonymous: true,
    session: true,
    body: { session: body.session, response },
  });
  return tokens;
}

/** Ends a pending autofill request (leaving the page, or using the button instead). */
export const cancelPasskeyRequest = () => WebAuthnAbortService.cancelCeremony();

/** Tells the browser's passkey provider that a removed passkey is gone (WebAuthn Signal API), where supported. */
export async function signalRemoved(rpId: string, credentialId: string): Promise<void> {
  const signal = (globalThis.PublicKeyCredential as unknown as { signalUnknownCredential?: (input: { rpId: string; credentialId: string }) => Promise<void> } | undefined)
    ?.signalUnknownCredential;
  if (signal) await signal.call(globalThis.PublicKeyCredential, { rpId, credentialId }).catch(() => undefined);
}
