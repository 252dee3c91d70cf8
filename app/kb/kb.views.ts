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
  /** The author's username (as signed in). */
  author: string;
  /** The author's display name (else their username). */
  authorName: string;
  createdAt: Date;
  review: { by: string; byName: string; at: Date; outcome: string; note: string | null } | null;
}

/** Display names of the people on versions: authors by user id, reviewers by username. */
export interface PeopleNames {
  byId: Map<string, string>;
  byUsername: Map<string, string>;
}
const NO_NAMES: PeopleNames = { byId: new Map(), byUsername: new Map() };

export function versionView(v: KbArticleVersion, names: PeopleNames = NO_NAMES): VersionView {
  return {
    version: v.version,
    title: v.title,
    body: v.body,
    tags: parseTags(v.tags),
    faq: Boolean(v.faq),
    categoryId: v.categoryId,
    author: v.authorName,
    authorName: names.byId.get(v.authorId) ?? v.authorName,
    createdAt: v.createdAt,
    review:
      v.reviewedBy && v.reviewedAt
        ? { by: v.reviewedBy, byName: names.byUsername.get(v.reviewedBy) ?? v.reviewedBy, at: v.reviewedAt, outcome: v.reviewOutcome ?? '', note: v.reviewNote }
        : null,
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
  names: PeopleNames = NO_NAMES,
): ArticleView {
  const base = versionView(v, names);
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
