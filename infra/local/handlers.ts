import { handler as auth } from '../../functions/auth';
import { handler as events } from '../../functions/events';
import { handler as me } from '../../functions/me';
import { handler as oauth } from '../../functions/oauth';
import { handler as oidc } from '../../functions/oidc';
import { handler as org } from '../../functions/org';
import { handler as passkeys } from '../../functions/passkeys';
import { handler as publicRoutes } from '../../functions/public';
import { handler as scim } from '../../functions/scim';
import { handler as sso } from '../../functions/sso';
import { handler as users } from '../../functions/users';
import type { Handlers } from './http-adapter';

/** Every function group of the route table, bound to the entry point its Lambda runs. */
export const handlers: Handlers = { public: publicRoutes, auth, me, users, org, oauth, oidc, scim, passkeys, sso, events };
