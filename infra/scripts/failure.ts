/** A command's failure in one line, with the likely fix when the local stack is not running. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const refused = /ECONNREFUSED|connect ECONN/.test(`${text} ${(error as { code?: string })?.code ?? ''} ${String((error as { cause?: unknown })?.cause ?? '')}`);
  return refused ? `${text} — is the local stack running (npm start)?` : text;
}
