// The voicemail inbox's errors (status, stable code; mapped by the one error handler).
import { AppError } from '../errors.js';
import type { VoicemailStatus } from './voicemail.entities.js';
import type { VoicemailAction } from './voicemail.rules.js';

/** The action does not apply to the message as it stands (done twice, reopen of a message not done ...). */
export class VoicemailStateError extends AppError {
  constructor(action: VoicemailAction, status: VoicemailStatus) {
    const code = action === 'done' && status === 'done' ? 'voicemail_already_done' : status === 'recording' ? 'voicemail_not_ready' : 'voicemail_wrong_status';
    super(409, code, `a voicemail that is ${status} cannot be ${action === 'done' ? 'marked done' : action === 'reopen' ? 'reopened' : 'heard'}`, { action, status });
  }
}

/** There is no audio to hear: nothing was recorded (empty) or the recording is still going on. */
export class VoicemailNoAudioError extends AppError {
  constructor(status: VoicemailStatus) {
    super(status === 'recording' ? 409 : 404, status === 'recording' ? 'voicemail_not_ready' : 'voicemail_no_audio', status === 'recording' ? 'the message is still being recorded' : 'nothing was recorded for this message', { status });
  }
}

/** The row is there but Asterisk no longer has its recording (deleted on the PBX, or another Asterisk). */
export class VoicemailAudioGoneError extends AppError {
  constructor(recording: string) {
    super(410, 'voicemail_audio_gone', `Asterisk no longer has the recording ${recording}`, { recording });
  }
}
