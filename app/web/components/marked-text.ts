// The knowledge base's snippets come HTML-escaped with <mark> around hits; they are shown as
// text segments (no v-html), the hits highlighted.
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m);

export function markedSegments(html: string): Array<{ text: string; hit: boolean }> {
  return html.split(/(<mark>.*?<\/mark>)/g).filter(Boolean).map((part) => {
    const hit = part.startsWith('<mark>');
    return { text: unescape(hit ? part.slice(6, -7) : part), hit };
  });
}
