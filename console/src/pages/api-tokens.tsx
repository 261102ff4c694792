import { useT } from '../i18n';
import { TokenList } from '../token-list';
import type { ApiToken } from '../types';
import { Field, formatDate } from '../ui';
import { ScopeChoice, describeScopes, scopesFrom } from './permissions';

/** API tokens of one user: `/v1/me/api-tokens` or `/v1/users/{id}/api-tokens`. */
export function ApiTokens(props: { base: string; canManage: boolean }) {
  const { t } = useT();
  return (
    <TokenList<ApiToken>
      path={props.base}
      canManage={props.canManage}
      testId="api-token"
      collapsed
      words={{
        caption: t('apiTokens.caption'),
        empty: t('apiTokens.none'),
        secret: (name) => t('apiTokens.secret', { name }),
        create: t('apiTokens.create'),
        nameHint: t('apiTokens.nameHint'),
      }}
      columns={[
        { label: t('apiTokens.expires'), cell: (token) => (token.expiresAt ? formatDate(token.expiresAt) : t('apiTokens.never')) },
        { label: t('apiTokens.permissions'), cell: (token) => describeScopes(t, token.scopes) },
      ]}
      fields={
        <>
          <Field name="expiresInDays" label={t('apiTokens.expiresIn')} type="number" min={1} max={365} hint={t('apiTokens.expiresInHint', { min: 1, max: 365 })} />
          <ScopeChoice base={props.base} />
        </>
      }
      body={(form) => {
        const days = String(form.get('expiresInDays') ?? '').trim();
        return { ...(days ? { expiresInDays: Number(days) } : {}), ...scopesFrom(form) };
      }}
    />
  );
}
