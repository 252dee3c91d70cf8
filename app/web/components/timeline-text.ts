// A timeline entry in the page's language: the server's translatable form (`text`) where it has
// one, with call outcomes named in that language; otherwise the stored words (an agent's note).

/** What of a timeline entry (api/work.ts TimelineEntry) the text needs. */
export interface TimelineTextEntry {
  summary: string;
  text?: { key: string; args: Record<string, string | number> };
}

type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

export function timelineText(t: Translate, te: Has, item: TimelineTextEntry): string {
  const x = item.text;
  if (!x || !te(`timeline.${x.key}`)) return item.summary;
  const args: Record<string, unknown> = { ...x.args };
  if (typeof args.outcome === 'string' && te(`timeline.outcome.${args.outcome}`)) args.outcome = t(`timeline.outcome.${args.outcome}`);
  // "Changed: …": the customer's fields by their names on the page.
  if (typeof args.fields === 'string') args.fields = args.fields.split(', ').map((f) => (te(`timeline.field.${f}`) ? t(`timeline.field.${f}`) : f)).join(t('timeline.fieldSep'));
  return t(`timeline.${x.key}`, args);
}
