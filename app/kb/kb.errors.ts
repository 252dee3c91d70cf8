// Errors of the knowledge base: each a 4xx with a stable code; nothing is stored when one is thrown.
import { AppError, NotFoundError } from '../errors.js';
import type { ArticleStatus } from './kb.entities.js';

export class ArticleNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('article', id);
  }
}

export class CategoryNotFoundError extends AppError {
  /** 404 for the category in the path; 400 for one named in a body or query. */
  constructor(id: string, where: 'path' | 'input' = 'path') {
    super(where === 'path' ? 404 : 400, where === 'path' ? 'not_found' : 'unknown_category', `category ${id} not found`, { categoryId: id });
  }
}

export class CategoryCycleError extends AppError {
  constructor(id: string, parentId: string) {
    super(409, 'category_cycle', `category ${id} cannot move under ${parentId}: that is itself or one of its descendants`, { categoryId: id, parentId });
  }
}

export class CategoryNotEmptyError extends AppError {
  constructor(id: string, children: number, articles: number) {
    super(409, 'category_not_empty', `category ${id} still has ${children} subcategories and ${articles} articles; move or delete them first`, { children, articles });
  }
}

export class CategoryNameTakenError extends AppError {
  constructor(name: string) {
    super(409, 'category_name_taken', `a category named "${name}" already exists at that level`);
  }
}

/** A review transition that the article's current state does not allow. */
export class TransitionNotAllowedError extends AppError {
  constructor(action: string, status: ArticleStatus) {
    super(409, 'transition_not_allowed', `cannot ${action} an article that is ${status.replace('_', ' ')}`, { action, status });
  }
}

/** Edits are refused while a version waits for review, and on an archived article (revise first). */
export class ArticleLockedError extends AppError {
  constructor(status: ArticleStatus) {
    super(409, 'article_not_editable', status === 'in_review' ? 'the article is in review; approve or reject it before editing' : 'the article is archived; revise it (POST .../revise) before editing', { status });
  }
}

export class VersionConflictError extends AppError {
  constructor(expected: number, latest: number) {
    super(409, 'version_conflict', `the article changed meanwhile: you edited version ${expected}, the latest is ${latest}`, { expected, latest });
  }
}

/** Four eyes: the author of a version may not approve or reject it. */
export class OwnVersionReviewError extends AppError {
  constructor() {
    super(403, 'four_eyes_required', 'the author of a version cannot approve or reject it; another supervisor or admin must review it');
  }
}

export class VersionNotFoundError extends NotFoundError {
  constructor(articleId: string, version: number) {
    super('version', `${version} of article ${articleId}`);
  }
}

export class AttachmentTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'too_large', `the attachment is larger than the ${Math.round(limitBytes / 1024 / 1024)} MB limit`, { limitBytes });
  }
}

export class AttachmentTypeError extends AppError {
  constructor() {
    super(415, 'unsupported_attachment', 'attachments must be PDF, PNG, JPEG or plain UTF-8 text (recognised by their content, not their name)');
  }
}

export class AttachmentNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('attachment', id);
  }
}

export class NotPublishedError extends AppError {
  constructor() {
    super(409, 'not_published', 'only a published article can be voted on');
  }
}

/** An agent may change only the articles they created or wrote a version of. */
export class NotAuthorError extends AppError {
  constructor() {
    super(403, 'not_author', 'agents may change only the articles they wrote; ask a supervisor');
  }
}
