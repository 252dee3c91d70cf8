// Reading articles: who may see what, and the shapes the API returns.
// Agents (and anyone without `drafts=true`) only ever see an article's published version;
// with `drafts=true`, supervisors and admins see the latest version of every article, and an
// agent sees the latest version of the articles they created or wrote a version of.
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/permissions.js';
import { KbArticle, KbArticleVersion } from './kb.entities.js';

export type Actor = Pick<Principal, 'id' | 'name' | 'role'>;

export const REVIEWERS: ReadonlyArray<Actor['role']> = ['supervisor', 'admin'];

/** May this actor see the unpublished versions of this article? */
export async function canSeeDrafts(m: EntityManager, actor: Actor, a: KbArticle): Promise<boolean> {
  if (REVIEWERS.includes(actor.role)) return true;
  if (a.createdBy === actor.id) return true;
  return m.existsBy(KbArticleVersion, { articleId: a.id, authorId: actor.id });
}

export interface VersionView {
  version: number;
  title: string;
  body: string;
  tags: string[];
  faq: boolean;
  categoryId: string | null;
  author: string;
  createdAt: Date;
  review: { by: string; at: Date; outcome: string; note: string | null } | null;
}

export function versionView(v: KbArticleVersion): VersionView {
  return {
    version: v.version,
    title: v.title,
    body: v.body,
    tags: parseTags(v.tags),
    faq: Boolean(v.faq),
    categoryId: v.categoryId,
    author: v.authorName,
    createdAt: v.createdAt,
    review: v.reviewedBy && v.reviewedAt ? { by: v.reviewedBy, at: v.reviewedAt, outcome: v.reviewOutcome ?? '', note: v.reviewNote } : null,
  };
}

export function parseTags(json: string): string[] {
  try {
    const t = JSON.parse(json) as unknown;
    return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export interface ArticleView extends VersionView {
  id: string;
  /** The article's state (that of its latest version); `published` in the agents' view. */
  status: string;
  latestVersion?: number;
  publishedVersion: number | null;
  category: string | null;
  views: number;
  helpful: { yes: number; no: number; mine: boolean | null };
  attachments: Array<{ id: string; filename: string; contentType: string; sizeBytes: number; sha256: string; createdAt: Date }>;
  updatedAt: Date;
}

/** Shape of an article for a reader: the published view hides review details of drafts. */
export function articleView(
  a: KbArticle,
  v: KbArticleVersion,
  drafts: boolean,
  extra: Pick<ArticleView, 'category' | 'helpful' | 'attachments'>,
): ArticleView {
  const base = versionView(v);
  return {
    id: a.id,
    ...base,
    status: drafts ? a.status : 'published',
    ...(drafts ? { latestVersion: a.latestVersion } : {}),
    publishedVersion: a.publishedVersion,
    views: a.views,
    ...extra,
    updatedAt: drafts ? a.updatedAt : (v.reviewedAt ?? v.createdAt),
  };
}

export interface SearchItem {
  id: string;
  title: string;
  snippet: string;
  score: number;
  category: { id: string; name: string } | null;
  faq: boolean;
}
