import { AppError } from '../errors.js';

export class NoLiveRecordingError extends AppError {
  constructor(what: string) {
    super(409, 'no_live_recording', what);
  }
}

export class RecordingNotStoredError extends AppError {
  constructor(id: string, status: string) {
    super(409, 'recording_not_stored', `recording ${id} is ${status}, not stored: nothing to play`);
  }
}

export class RecordingPbxError extends AppError {
  constructor(message: string) {
    super(503, 'pbx_unavailable', message);
  }
}

export class RecordingPurgedError extends AppError {
  constructor(id: string) {
    super(410, 'recording_purged', `recording ${id} was purged after its retention period`);
  }
}

/** A keyword the recogniser cannot spot (empty, too long, not English, a word not in its dictionary). */
export class InvalidKeywordError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_keyword', message, details);
  }
}

export class KeywordExistsError extends AppError {
  constructor(phrase: string, queue: string | null) {
    super(409, 'keyword_exists', `"${phrase}" is already a keyword ${queue ? `of queue ${queue}` : 'of every queue'}`);
  }
}

export class KeywordSpottingUnavailableError extends AppError {
  constructor() {
    super(503, 'keyword_spotting_unavailable', 'keyword spotting is not installed on this node (Debian packages pocketsphinx and pocketsphinx-en-us)');
  }
}
