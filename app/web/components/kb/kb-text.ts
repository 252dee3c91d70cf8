// The knowledge base page's shared words: a refusal of the server in the page's language from its
// code (the server's own words for any other), and the category tree as a flat list of paths.
import { ApiError } from '../../api/client';
import type { Category } from '../../api/kb';
import { i18n } from '../../i18n';
import { errorText } from '../notify';

const CODES = ['transition_not_allowed', 'four_eyes_required', 'article_not_editable', 'version_conflict', 'not_author', 'category_cycle', 'category_not_empty', 'category_name_taken', 'unknown_category'];

export function kbErrorText(e: unknown): string {
  const { t, te } = i18n.global;
  if (!(e instanceof ApiError) || !CODES.includes(e.code) || !te(`kbPage.refused.${e.code}`)) return errorText(e);
  const d = (e.details ?? {}) as Record<string, unknown>;
  const status = typeof d.status === 'string' && te(`kbPage.status.${d.status}`) ? t(`kbPage.status.${d.status}`) : String(d.status ?? '');
  const action = typeof d.action === 'string' && te(`kbPage.actions.${d.action}`) ? t(`kbPage.actions.${d.action}`) : String(d.action ?? '');
  return t(`kbPage.refused.${e.code}`, { status, action, expected: String(d.expected ?? ''), latest: String(d.latest ?? ''), children: String(d.children ?? ''), articles: String(d.articles ?? '') });
}

/** Every category, depth first, named by its path ("产品 / 账户"). */
export function flatCategories(tree: Category[]): Array<{ id: string; label: string; depth: number }> {
  const out: Array<{ id: string; label: string; depth: number }> = [];
  const walk = (nodes: Category[], depth: number) => {
    for (const n of nodes) {
      out.push({ id: n.id, label: n.path.join(' / '), depth });
      walk(n.children, depth + 1);
    }
  };
  walk(tree, 0);
  return out;
}
