import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { adoptTokens, get, logout, onSessionChange, renewSession } from './api';
import type { Org, Tokens, User } from './types';

export interface Session {
  state: 'loading' | 'anonymous' | 'signed-in';
  me?: User;
  org?: Org;
  /** After login, activation or any completed challenge. */
  begin(tokens: Pick<Tokens, 'accessToken' | 'expiresIn'>): Promise<void>;
  reload(): Promise<void>;
  /** Takes a fresh copy the API just answered (e.g. a PATCH), sparing a re-read. */
  adopt(fresh: { me?: User; org?: Org }): void;
  end(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/**
 * What the menus show comes from GET /v1/me: the server's current view of the role, never a
 * claim decoded from the token. The server checks every request again regardless.
 */
export function SessionProvider(props: { children: ComponentChildren }) {
  const [state, setState] = useState<Session['state']>('loading');
  const [me, setMe] = useState<User>();
  const [org, setOrg] = useState<Org>();

  const reload = async () => {
    try {
      const [user, organization] = await Promise.all([get<User>('/v1/me'), get<Org>('/v1/org')]);
      setMe(user);
      setOrg(organization);
      setState('signed-in');
    } catch {
      setState('anonymous');
    }
  };

  useEffect(() => {
    void renewSession().then((ok) => (ok ? reload() : setState('anonymous')));
    return onSessionChange((signedIn) => {
      if (!signedIn) {
        setMe(undefined);
        setState('anonymous');
      }
    });
  }, []);

  const session: Session = {
    state,
    me,
    org,
    begin: async (tokens) => {
      adoptTokens(tokens);
      await reload();
    },
    reload,
    adopt: (fresh) => {
      if (fresh.me) setMe(fresh.me);
      if (fresh.org) setOrg(fresh.org);
    },
    end: async () => {
      await logout();
      setMe(undefined);
      setOrg(undefined);
      setState('anonymous');
    },
  };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

/** What each role may open, as ../shared/PRODUCT.md grants it. */
export const can = {
  manageUsers: (me?: User) => me?.role === 'root' || me?.role === 'admin',
  billing: (me?: User) => me?.role === 'root',
  invoices: (me?: User) => me?.role === 'root' || me?.role === 'admin',
  audit: (me?: User) => me?.role === 'root' || me?.role === 'admin',
  renameOrg: (me?: User) => me?.role === 'root' || me?.role === 'admin',
};
