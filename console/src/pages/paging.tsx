import { useState } from 'preact/hooks';
import { useT } from '../i18n';

/**
 * Cursor paging with a way back: the API's cursors only go forward, so keep the trail. A new
 * set of filters starts again at page one (the trail belongs to the filters it was made for).
 */
export function useCursorPages(filters: unknown[]) {
  const key = JSON.stringify(filters);
  const [state, setState] = useState<{ key: string; trail: Array<string | undefined> }>({ key, trail: [undefined] });
  const trail = state.key === key ? state.trail : [undefined];
  return {
    cursor: trail[trail.length - 1],
    page: trail.length,
    next: (nextCursor: string) => setState({ key, trail: [...trail, nextCursor] }),
    previous: () => setState({ key, trail: trail.slice(0, -1) }),
  };
}

export function Pager(props: { page: number; nextCursor: string | null | undefined; onNext: (cursor: string) => void; onPrevious: () => void }) {
  const { t } = useT();
  return (
    <nav class="pager" aria-label={t('admin.pages')}>
      <button type="button" disabled={props.page <= 1} onClick={props.onPrevious}>
        {t('admin.pages.previous')}
      </button>
      <span aria-live="polite">{t('admin.pages.current', { page: props.page })}</span>
      <button type="button" disabled={!props.nextCursor} onClick={() => props.nextCursor && props.onNext(props.nextCursor)}>
        {t('admin.pages.next')}
      </button>
    </nav>
  );
}

export const query = (values: Record<string, string | number | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
};
