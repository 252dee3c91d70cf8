// A console text as the page shows it, for unit tests of the words the console builds: the
// message at `key` in one language's tree with its {values} filled. A missing key or a value the
// message asks for and was not given is an error, never a blank.
export type Tree = { [k: string]: string | Tree };

export function textOf(messages: Tree, key: string, params: Record<string, string | number> = {}): string {
  const text = key.split('.').reduce<string | Tree | undefined>((n, k) => (n && typeof n === 'object' ? n[k] : undefined), messages);
  if (typeof text !== 'string') throw new Error(`no text for ${key}`);
  return text.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in params)) throw new Error(`${key} asks for {${k}}, which was not given`);
    return String(params[k]);
  });
}
