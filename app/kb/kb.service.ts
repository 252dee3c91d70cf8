// Articles and their review flow. Every edit writes a new immutable version; the article row
// says which version is the latest (and its state) and which one is published. State changes
// are conditional UPDATEs on the state they start from, so two reviewers racing cannot both win.
//
//   draft --submit--> in_review --approve--> published --archive--> archived --revise--> draft
//                     in_review --reject---> draft
//   edit: draft -> draft (new version); published -> draft (new version; the published one
//   stays what agents see until the new one is approved); in_review / archived: refused.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import { KbCategories } from './kb.categories.js';
import { KbArticle, KbArticleVersion, type ArticleStatus } from './kb.entities.js';
import {
  ArticleLockedError,
  ArticleNotFoundError,
  NotAuthorError,
  OwnVersionReviewError,
  TransitionNotAllowedError,
  VersionConflictError,
} from './kb.errors.js';
import type { CreateArticleInput, ListQuery, SearchQuery, UpdateArticleInput } from './kb.schemas.js';
import { createSearchIndex, type SearchIndex } from './kb.search.js';
import { snippet } from './kb.snippet.js';
import { parseQuery } from './kb.text.js';
import { KbExtras } from './kb.extras.js';
import { articleView, canSeeDrafts, parseTags, REVIEWERS, versionView, type Actor, type ArticleView, type PeopleNames, type SearchItem } from './kb.views.js';
import { ValidationError } from '../errors.js';

export interface KbServiceDeps {
  db: DataSource;
  log: Logger;
  /** Largest attachment in bytes (default 5 MB). */
  maxAttachmentBytes?: number;
  /** The auth module's People: display names of authors (by user id) and reviewers (by username). */
  people: {
    namesByIds(ids: Iterable<string | null | undefined>): Promise<Map<string, string>>;
    namesByUsernames(usernames: Iterable<string | null | undefined>): Promise<Map<string, string>>;
  };
}

type Action = 'submit' | 'approve' | 'reject' | 'archive' | 'revise';
const FROM: Record<Action, ArticleStatus> = { submit: 'draft', approve: 'in_review', reject: 'in_review', archive: 'published', revise: 'archived' };
const TO: Record<Action, ArticleStatus> = { submit: 'in_review', approve: 'published', reject: 'draft', archive: 'archived', revise: 'draft' };

export class KbService {
  readonly categories: KbCategories;
  readonly extras: KbExtras;
  readonly index: SearchIndex;
  private readonly db: DataSource;

  constructor(private readonly deps: KbServiceDeps) {
    this.db = deps.db;
    this.categories = new KbCategories(deps.db);
    this.index = createSearchIndex(deps.db);
    this.extras = new KbExtras(deps.db, (m, actor, id) => this.readable(m, actor, id), deps.maxAttachmentBytes ?? 5 * 1024 * 1024);
  }

  async create(actor: Actor, input: CreateArticleInput): Promise<ArticleView> {
    const id = await this.db.transaction(async (m) => {
      if (input.categoryId) await this.categories.require(m, input.categoryId, 'input');
      const now = new Date();
      const a = m.create(KbArticle, { id: randomUUID(), status: 'draft', latestVersion: 1, publishedVersion: null, createdBy: actor.id, views: 0, createdAt: now, updatedAt: now });
      await m.insert(KbArticle, a);
      await m.insert(KbArticleVersion, this.newVersion(a.id, 1, actor, input, now));
      return a.id;
    });
    this.deps.log.info({ article: id, by: actor.name }, 'kb article created');
    return this.get(actor, id, true);
  }

  async update(actor: Actor, id: string, input: UpdateArticleInput): Promise<ArticleView> {
    await this.db.transaction(async (m) => {
      const { article: a, drafts } = await this.readable(m, actor, id);
      if (!drafts) throw new NotAuthorError(); // agents edit the articles they wrote
      if (a.status === 'in_review' || a.status === 'archived') throw new ArticleLockedError(a.status);
      if (input.baseVersion !== undefined && input.baseVersion !== a.latestVersion) throw new VersionConflictError(input.baseVersion, a.latestVersion);
      if (input.categoryId) await this.categories.require(m, input.categoryId, 'input');
      const latest = (await m.findOneBy(KbArticleVersion, { articleId: id, version: a.latestVersion }))!;
      const merged = {
        title: input.title ?? latest.title,
        body: input.body ?? latest.body,
        tags: input.tags ?? parseTags(latest.tags),
        faq: input.faq ?? Boolean(latest.faq),
        categoryId: input.categoryId === undefined ? latest.categoryId : input.categoryId,
      };
      const now = new Date();
      const next = a.latestVersion + 1;
      const moved = await m.update(KbArticle, { id, latestVersion: a.latestVersion, status: a.status }, { latestVersion: next, status: 'draft', updatedAt: now });
      if (!moved.affected) throw new VersionConflictError(a.latestVersion, a.latestVersion + 1);
      await m.insert(KbArticleVersion, this.newVersion(id, next, actor, merged, now));
    });
    return this.get(actor, id, true);
  }

  submit = (actor: Actor, id: string) => this.transition(actor, id, 'submit');
  approve = (actor: Actor, id: string, note?: string) => this.transition(actor, id, 'approve', note);
  reject = (actor: Actor, id: string, note: string) => this.transition(actor, id, 'reject', note);
  archive = (actor: Actor, id: string) => this.transition(actor, id, 'archive');
  revise = (actor: Actor, id: string) => this.transition(actor, id, 'revise');

  private async transition(actor: Actor, id: string, action: Action, note?: string): Promise<ArticleView> {
    await this.db.transaction(async (m) => {
      const { article: a, drafts } = await this.readable(m, actor, id);
      if (!drafts) throw new NotAuthorError();
      if (a.status !== FROM[action]) throw new TransitionNotAllowedError(action, a.status);
      const latest = (await m.findOneBy(KbArticleVersion, { articleId: id, version: a.latestVersion }))!;
      const now = new Date();
      if (action === 'approve' || action === 'reject') {
        if (!REVIEWERS.includes(actor.role)) throw new TransitionNotAllowedError(action, a.status);
        if (latest.authorId === actor.id) throw new OwnVersionReviewError();
        await m.update(
          KbArticleVersion,
          { articleId: id, version: latest.version },
          { reviewedBy: actor.name, reviewedAt: now, reviewOutcome: action === 'approve' ? 'approved' : 'rejected', reviewNote: note ?? null },
        );
      }
      const change: Partial<KbArticle> = { status: TO[action], updatedAt: now };
      if (action === 'approve') change.publishedVersion = latest.version;
      if (action === 'archive') change.publishedVersion = null;
      const moved = await m.update(KbArticle, { id, status: a.status, latestVersion: a.latestVersion }, change);
      if (!moved.affected) throw new TransitionNotAllowedError(action, a.status);
      if (action === 'approve') {
        const tags = parseTags(latest.tags);
        await this.index.put(m, { articleId: id, categoryId: latest.categoryId, faq: Boolean(latest.faq), title: latest.title, body: `${latest.body}\n${tags.join(' ')}` });
      }
      if (action === 'archive') await this.index.remove(m, id);
    });
    this.deps.log.info({ article: id, action, by: actor.name }, 'kb article state changed');
    return this.get(actor, id, true);
  }

  /**
   * One article. Without `drafts` (or for someone who may not see drafts): its published
   * version, or 404; an agent opening it counts as a view.
   */
  async get(actor: Actor, id: string, drafts = false): Promise<ArticleView> {
    const m = this.db.manager;
    const r = await this.readable(m, actor, id, drafts);
    const a = r.article;
    const version = r.drafts ? a.latestVersion : a.publishedVersion!;
    const v = (await m.findOneBy(KbArticleVersion, { articleId: id, version }))!;
    if (!r.drafts && actor.role === 'agent') {
      await m.increment(KbArticle, { id }, 'views', 1);
      a.views += 1;
    }
    const names = await this.categories.names([v.categoryId]);
    return articleView(
      a,
      v,
      r.drafts,
      {
        category: v.categoryId ? (names.get(v.categoryId) ?? null) : null,
        helpful: await this.extras.votes(id, actor.id),
        attachments: await this.extras.list(id),
      },
      await this.peopleOf([v]),
    );
  }

  /**
   * The article and whether the actor sees its drafts (when asked for). Without the drafts
   * view, an article with nothing published does not exist (404).
   */
  async readable(m: EntityManager, actor: Actor, id: string, wantDrafts = true): Promise<{ article: KbArticle; drafts: boolean }> {
    const a = await m.findOneBy(KbArticle, { id });
    if (!a) throw new ArticleNotFoundError(id);
    const drafts = wantDrafts && (await canSeeDrafts(m, actor, a));
    if (!drafts && a.publishedVersion === null) throw new ArticleNotFoundError(id);
    return { article: a, drafts };
  }

  async list(actor: Actor, q: ListQuery): Promise<{ total: number; items: Array<Omit<ArticleView, 'body' | 'helpful' | 'attachments'>> }> {
    if (q.status && !q.drafts) throw new ValidationError('invalid query: status: only with drafts=true (without it, only published articles are listed)');
    const drafts = q.drafts === true;
    const where: string[] = [];
    const params: unknown[] = [];
    where.push(drafts ? 'v.version = a.latest_version' : 'a.published_version IS NOT NULL AND v.version = a.published_version');
    if (drafts && !REVIEWERS.includes(actor.role)) {
      where.push('(a.created_by = ? OR EXISTS (SELECT 1 FROM kb_article_versions w WHERE w.article_id = a.id AND w.author_id = ?))');
      params.push(actor.id, actor.id);
    }
    if (q.status) where.push('a.status = ?'), params.push(q.status);
    if (q.faq !== undefined) where.push('v.faq = ?'), params.push(q.faq ? 1 : 0);
    if (q.category) {
      const ids = await this.categories.withDescendants(q.category);
      where.push(`v.category_id IN (${ids.map(() => '?').join(', ')})`);
      params.push(...ids);
    }
    const from = `FROM kb_articles a JOIN kb_article_versions v ON v.article_id = a.id WHERE ${where.join(' AND ')}`;
    const [count] = (await this.db.query(`SELECT COUNT(*) AS n ${from}`, params)) as Array<{ n: number | string }>;
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const key = q.sort === 'views' ? 'a.views' : q.sort === 'title' ? 'v.title' : drafts ? 'a.updated_at' : 'COALESCE(v.reviewed_at, v.created_at)';
    const ids = (await this.db.query(`SELECT a.id, v.version ${from} ORDER BY ${key} ${dir}, a.id ${dir} LIMIT ? OFFSET ?`, [...params, q.limit, q.offset])) as Array<{
      id: string;
      version: number;
    }>;
    const rows = [];
    for (const row of ids) {
      const a = (await this.db.manager.findOneBy(KbArticle, { id: row.id }))!;
      const v = (await this.db.manager.findOneBy(KbArticleVersion, { articleId: row.id, version: Number(row.version) }))!;
      rows.push({ a, v });
    }
    const people = await this.peopleOf(rows.map((r) => r.v));
    const items = [];
    for (const { a, v } of rows) {
      const names = await this.categories.names([v.categoryId]);
      const { body: _b, helpful: _h, attachments: _x, ...rest } = articleView(
        a,
        v,
        drafts,
        { category: v.categoryId ? (names.get(v.categoryId) ?? null) : null, helpful: { yes: 0, no: 0, mine: null }, attachments: [] },
        people,
      );
      items.push(rest);
    }
    return { total: Number(count?.n ?? 0), items };
  }

  /** Full-text search over published versions only, ranked, with highlighted snippets. */
  async search(q: SearchQuery): Promise<{ total: number; items: SearchItem[] }> {
    const parsed = parseQuery(q.q);
    const categoryIds = q.category ? await this.categories.withDescendants(q.category) : undefined;
    const { total, hits } = await this.index.search(parsed, { categoryIds, faq: q.faq }, { limit: q.limit, offset: q.offset });
    if (!hits.length) return { total, items: [] };
    const rows = (await this.db.query(
      `SELECT a.id, v.title, v.body, v.faq, v.category_id FROM kb_articles a JOIN kb_article_versions v ON v.article_id = a.id AND v.version = a.published_version WHERE a.id IN (${hits.map(() => '?').join(', ')})`,
      hits.map((h) => h.articleId),
    )) as Array<{ id: string; title: string; body: string; faq: number | boolean; category_id: string | null }>;
    const byId = new Map(rows.map((r) => [r.id, r]));
    const names = await this.categories.names(rows.map((r) => r.category_id));
    const items: SearchItem[] = [];
    for (const h of hits) {
      const r = byId.get(h.articleId);
      if (!r) continue; // archived between the index read and this one
      items.push({
        id: r.id,
        title: r.title,
        snippet: snippet(r.body, parsed),
        score: h.score,
        category: r.category_id ? { id: r.category_id, name: names.get(r.category_id) ?? '' } : null,
        faq: Boolean(r.faq),
      });
    }
    return { total, items };
  }

  async versions(actor: Actor, id: string) {
    const { article: a, drafts } = await this.readable(this.db.manager, actor, id);
    if (!drafts) throw new ArticleNotFoundError(id);
    const all = await this.db.manager.find(KbArticleVersion, { where: { articleId: id }, order: { version: 'DESC' } });
    const people = await this.peopleOf(all);
    return {
      latestVersion: a.latestVersion,
      publishedVersion: a.publishedVersion,
      items: all.map((v) => {
        const { body: _b, ...rest } = versionView(v, people);
        return { ...rest, published: v.version === a.publishedVersion, latest: v.version === a.latestVersion };
      }),
    };
  }

  async diff(actor: Actor, id: string, from: number, to: number) {
    const { drafts } = await this.readable(this.db.manager, actor, id);
    if (!drafts) throw new ArticleNotFoundError(id);
    return this.extras.diff(id, from, to);
  }

  /** Display names of the authors and reviewers of these versions. */
  private async peopleOf(versions: KbArticleVersion[]): Promise<PeopleNames> {
    return {
      byId: await this.deps.people.namesByIds(versions.map((v) => v.authorId)),
      byUsername: await this.deps.people.namesByUsernames(versions.map((v) => v.reviewedBy)),
    };
  }

  private newVersion(articleId: string, version: number, actor: Actor, c: Pick<CreateArticleInput, 'title' | 'body' | 'tags' | 'faq' | 'categoryId'>, now: Date): KbArticleVersion {
    return this.db.manager.create(KbArticleVersion, {
      articleId,
      version,
      title: c.title,
      body: c.body,
      tags: JSON.stringify(c.tags),
      faq: c.faq,
      categoryId: c.categoryId,
      authorId: actor.id,
      authorName: actor.name,
      createdAt: now,
      reviewedBy: null,
      reviewedAt: null,
      reviewOutcome: null,
      reviewNote: null,
    });
  }
}
