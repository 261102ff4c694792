import { useState } from 'preact/hooks';

/** Cursor paging with a way back: the API's cursors only go forward, so keep the trail. */
export function useCursorPages(reset: unknown[]) {
  const [trail, setTrail] = useState<Array<string | undefined>>([undefined]);
  const [key, setKey] = useState(JSON.stringify(reset));
  const current = JSON.stringify(reset);
  if (current !== key) {
    setKey(current);
    setTrail([undefined]);
  }
  const cursor = trail[trail.length - 1];
  return {
    cursor: current === key ? cursor : undefined,
    page: trail.length,
    next: (nextCursor: string) => setTrail([...trail, nextCursor]),
    previous: () => setTrail(trail.slice(0, -1)),
  };
}

export function Pager(props: { page: number; nextCursor: string | null | undefined; onNext: (cursor: string) => void; onPrevious: () => void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={props.page <= 1} onClick={props.onPrevious}>
        Previous page
      </button>
      <span aria-live="polite">Page {props.page}</span>
      <button type="button" disabled={!props.nextCursor} onClick={() => props.nextCursor && props.onNext(props.nextCursor)}>
        Next page
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
