// {{variable}} templates in prompt texts, lookup URLs and set-variable values.
const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

export function hasTemplate(text: string): boolean {
  TEMPLATE.lastIndex = 0;
  return TEMPLATE.test(text);
}

/** Replaces each {{name}} with its variable (empty when unset); `encode` for URLs. */
export function render(text: string, vars: Record<string, string>, encode: (s: string) => string = (s) => s): string {
  return text.replace(TEMPLATE, (_m, name: string) => encode(vars[name] ?? ''));
}
