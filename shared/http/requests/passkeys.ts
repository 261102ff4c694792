import * as z from 'zod';
import { Password, text } from '../schemas';

/** What the `passkeys` function (functions/passkeys.ts) takes: W3C JSON forms of WebAuthn answers, bounded. */

const Base64Url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** A passkey's name: 1–64 characters after trimming, no control characters. */
export const PasskeyName = text(64).transform((value) => value.trim());

const common = {
  id: Base64Url(1400),
  rawId: Base64Url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};

/** `RegistrationResponseJSON`, what @simplewebauthn/browser's `startRegistration` answers. */
export const RegistrationResponse = z.object({
  ...common,
  response: z.looseObject({
    clientDataJSON: Base64Url(4096),
    attestationObject: Base64Url(16384),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
}).meta({ description: 'RegistrationResponseJSON (W3C WebAuthn Level 3)' });

/** `AuthenticationResponseJSON`, what `startAuthentication` answers. */
export const AuthenticationResponse = z.object({
  ...common,
  response: z.looseObject({
    clientDataJSON: Base64Url(4096),
    authenticatorData: Base64Url(4096),
    signature: Base64Url(2048),
    userHandle: Base64Url(128).optional(),
  }),
}).meta({ description: 'AuthenticationResponseJSON (W3C WebAuthn Level 3)' });

/** Re-authentication for adding or removing: nothing for a fresh sign-in, else the password or a code. */
export const ReauthBody = z.strictObject({
  password: Password.optional(),
  code: z.string().min(1).max(64).optional(),
});

export const RegisterPasskeyBody = z.strictObject({ response: RegistrationResponse, name: PasskeyName.optional() });
export const RenamePasskeyBody = z.strictObject({ name: PasskeyName });
export const PasskeyOptionsBody = z.strictObject({ org: z.string().min(1).max(64).optional() });
export const PasskeySignInBody = z.strictObject({ session: z.string().min(1).max(512), response: AuthenticationResponse });
