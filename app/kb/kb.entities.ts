// The knowledge base: a category tree, articles with immutable versions and a review state,
// attachments (bytes stored in the database, so both HA nodes see them), helpful votes.
// The search index (kb_search, and kb_fts on SQLite) is raw SQL owned by kb.search.ts.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ArticleStatus = 'draft' | 'in_review' | 'published' | 'archived';

@Entity({ name: 'kb_categories' })
export class KbCategory {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_kb_categories_parent')
  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** An article: its review state and which of its versions is the latest and the published one. */
@Entity({ name: 'kb_articles' })
export class KbArticle {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The state of the latest version. */
  @Index('idx_kb_articles_status')
  @Column({ type: 'varchar', length: 16 })
  status!: ArticleStatus;

  @Column({ name: 'latest_version', type: 'int' })
  latestVersion!: number;

  /** What agents see; null when nothing is published (never, or archived). */
  @Index('idx_kb_articles_published')
  @Column({ name: 'published_version', type: 'int', nullable: true })
  publishedVersion!: number | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @Column({ type: 'int', default: 0 })
  views!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Index('idx_kb_articles_updated')
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** One immutable version of an article's content. */
@Entity({ name: 'kb_article_versions' })
export class KbArticleVersion {
  @PrimaryColumn({ name: 'article_id', type: 'varchar', length: 36 })
  articleId!: string;

  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  /** JSON array of strings. */
  @Column({ type: 'text' })
  tags!: string;

  @Column({ type: 'boolean', default: false })
  faq!: boolean;

  @Index('idx_kb_versions_category')
  @Column({ name: 'category_id', type: 'varchar', length: 36, nullable: true })
  categoryId!: string | null;

  @Column({ name: 'author_id', type: 'varchar', length: 64 })
  authorId!: string;

  @Column({ name: 'author_name', type: 'varchar', length: 128 })
  authorName!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'reviewed_by', type: 'varchar', length: 128, nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_at', type: 'datetime', precision: 3, nullable: true })
  reviewedAt!: Date | null;

  /** approved | rejected, with the reviewer's note. */
  @Column({ name: 'review_outcome', type: 'varchar', length: 16, nullable: true })
  reviewOutcome!: string | null;

  @Column({ name: 'review_note', type: 'varchar', length: 500, nullable: true })
  reviewNote!: string | null;
}

@Entity({ name: 'kb_attachments' })
export class KbAttachment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_kb_attachments_article')
  @Column({ name: 'article_id', type: 'varchar', length: 36 })
  articleId!: string;

  @Column({ type: 'varchar', length: 200 })
  filename!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 64 })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  /** blob on SQLite, mediumblob (16 MB) on MariaDB/MySQL: see the migration. */
  @Column({ type: 'blob', select: false })
  data!: Buffer;

  @Column({ name: 'created_by', type: 'varchar', length: 128 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** "Was this helpful?": one answer per user and article, changeable. */
@Entity({ name: 'kb_votes' })
export class KbVote {
  @PrimaryColumn({ name: 'article_id', type: 'varchar', length: 36 })
  articleId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'boolean' })
  helpful!: boolean;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const kbEntities = [KbCategory, KbArticle, KbArticleVersion, KbAttachment, KbVote];
