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
