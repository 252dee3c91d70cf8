// Formula injection ("CSV injection"): a text cell that starts with = + - @ (or tab / CR,
// and line feed to be safe) can run as a formula when a spreadsheet program opens the file.
// Every exported text cell passes neutralize(), which prefixes a ' ; import passes
// unneutralize(), which removes one such prefix again, so export -> import gives back the
// stored text exactly (a value that itself starts with ' before a trigger gets one more ').
const NEEDS_PREFIX = /^'*[=+\-@\t\r\n]/;
const PREFIXED = /^'+[=+\-@\t\r\n]/;

export function neutralize(text: string): string {
  return NEEDS_PREFIX.test(text) ? `'${text}` : text;
}

export function unneutralize(text: string): string {
  return PREFIXED.test(text) ? text.slice(1) : text;
}

/** A value for an exported cell: text neutralized; numbers, dates and empties as they are. */
export function safeValue(value: unknown): unknown {
  return typeof value === 'string' ? neutralize(value) : value;
}
