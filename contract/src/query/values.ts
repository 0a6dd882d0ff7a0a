/** How the query checks read a field's value as the model may hold it (validate.ts, backtestChecks.ts). */

/** Does the text contain a Grafana template variable (`$v`, `${v}`, `${v:fmt}` or `[[v]]`)? */
export function hasVariable(text: string): boolean {
  return /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/.test(text);
}

/** A number as the model may hold it: a number, or text that reads as one (`"2.5"`). */
export function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v.trim());
  return undefined;
}

export const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
export const stillVariable = (v: string) => `${JSON.stringify(v)} still holds a template variable; alert rules and API calls need a literal value`;
