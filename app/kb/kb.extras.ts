// Around an article: attachments (checked by their magic bytes, stored in the database so
// both HA nodes serve them), "was this helpful" votes, and the diff between two versions.
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { KbArticle, KbArticleVersion, KbAttachment, KbVote } from './kb.entities.js';
import { AttachmentNotFoundError, AttachmentTooLargeError, AttachmentTypeError, NotAuthorError, NotPublishedError, VersionNotFoundError } from './kb.errors.js';
import { diffLines, unified } from './kb.diff.js';
import { parseTags, type Actor } from './kb.views.js';
import { ValidationError } from '../errors.js';

type Readable = (m: EntityManager, actor: Actor, id: string) => Promise<{ article: KbArticle; drafts: boolean }>;

export type AttachmentType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'text/plain; charset=utf-8';

const starts = (b: Uint8Array, bytes: number[]) => b.length >= bytes.length && bytes.every((x, i) => b[i] === x);

/** The attachment's type from its first bytes; null when it is none of PDF, PNG, JPEG, UTF-8 text. */
export function sniffAttachment(b: Uint8Array): AttachmentType | null {
  if (starts(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // Text: valid UTF-8 with no control characters other than tab, newline, carriage return, form feed.
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    if (!/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text)) return 'text/plain; charset=utf-8';
  } catch {
    /* not UTF-8 */
  }
  return null;
}

export class KbExtras {
  constructor(
    private readonly db: DataSource,
    private readonly readable: Readable,
    readonly maxAttachmentBytes: number,
  ) {}

  async upload(actor: Actor, articleId: string, filename: string, data: Buffer) {
    if (data.length > this.maxAttachmentBytes) throw new AttachmentTooLargeError(this.maxAttachmentBytes);
    if (data.length === 0) throw new ValidationError('the attachment is empty');
    const type = sniffAttachment(data);
    if (!type) throw new AttachmentTypeError();
    return this.db.transaction(async (m) => {
      const { drafts } = await this.readable(m, actor, articleId);
      if (!drafts) throw new NotAuthorError();
      const row = m.create(KbAttachment, {
        id: randomUUID(),
        articleId,
        filename,
        contentType: type,
        sizeBytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        data,
        createdBy: actor.name,
        createdAt: new Date(),
      });
      await m.insert(KbAttachment, row);
      const { data: _d, articleId: _a, createdBy: _c, ...view } = row;
      return view;
    });
  }

  list(articleId: string) {
    return this.db.manager.find(KbAttachment, {
      where: { articleId },
      select: { id: true, filename: true, contentType: true, sizeBytes: true, sha256: true, createdAt: true },
      order: { createdAt: 'ASC' },
    });
  }

  /** The attachment with its bytes, if the actor may read the article. */
  async download(actor: Actor, articleId: string, id: string): Promise<KbAttachment> {
    await this.readable(this.db.manager, actor, articleId);
    const row = await this.db.manager
      .getRepository(KbAttachment)
      .createQueryBuilder('x')
      .addSelect('x.data')
      .where('x.id = :id AND x.article_id = :articleId', { id, articleId })
      .getOne();
    if (!row) throw new AttachmentNotFoundError(id);
    return row;
  }

  async remove(actor: Actor, articleId: string, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const { drafts } = await this.readable(m, actor, articleId);
      if (!drafts) throw new NotAuthorError();
      const gone = await m.delete(KbAttachment, { id, articleId });
      if (!gone.affected) throw new AttachmentNotFoundError(id);
    });
  }

  /** Records (or changes) the actor's answer to "was this helpful?" on a published article. */
  async vote(actor: Actor, articleId: string, helpful: boolean) {
    await this.db.transaction(async (m) => {
      const a = await m.findOneBy(KbArticle, { id: articleId });
      if (!a || a.publishedVersion === null) {
        await this.readable(m, actor, articleId); // 404 for those who may not see it
        throw new NotPublishedError();
      }
      const now = new Date();
      const changed = await m.update(KbVote, { articleId, userId: actor.id }, { helpful, updatedAt: now });
      if (!changed.affected) await m.insert(KbVote, { articleId, userId: actor.id, helpful, updatedAt: now });
    });
    return this.votes(articleId, actor.id);
  }

  async votes(articleId: string, userId: string): Promise<{ yes: number; no: number; mine: boolean | null }> {
    const rows = (await this.db.query('SELECT helpful, COUNT(*) AS n FROM kb_votes WHERE article_id = ? GROUP BY helpful', [articleId])) as Array<{ helpful: number | boolean; n: number | string }>;
    const mine = await this.db.manager.findOneBy(KbVote, { articleId, userId });
    let yes = 0;
    let no = 0;
    for (const r of rows) {
      if (Number(r.helpful)) yes = Number(r.n);
      else no = Number(r.n);
    }
    return { yes, no, mine: mine ? Boolean(mine.helpful) : null };
  }

  /** What changed from one version to another: the fields, and the body line by line. */
  async diff(articleId: string, from: number, to: number) {
    const load = async (version: number) => {
      const v = await this.db.manager.findOneBy(KbArticleVersion, { articleId, version });
      if (!v) throw new VersionNotFoundError(articleId, version);
      return v;
    };
    const a = await load(from);
    const b = await load(to);
    const fields: Record<string, { from: unknown; to: unknown }> = {};
    const compare = (name: string, x: unknown, y: unknown) => {
      if (JSON.stringify(x) !== JSON.stringify(y)) fields[name] = { from: x, to: y };
    };
    compare('title', a.title, b.title);
    compare('tags', parseTags(a.tags), parseTags(b.tags));
    compare('faq', Boolean(a.faq), Boolean(b.faq));
    compare('categoryId', a.categoryId, b.categoryId);
    const lines = diffLines(a.body, b.body);
    return {
      from,
      to,
      fields,
      lines,
      added: lines.filter((l) => l.op === 'added').length,
      removed: lines.filter((l) => l.op === 'removed').length,
      unified: unified(lines),
    };
  }
}
