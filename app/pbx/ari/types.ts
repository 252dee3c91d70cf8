// The parts of ARI's event and resource model that Hotline uses.
export interface AriCallerId {
  name: string;
  number: string;
}

export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: AriCallerId;
  connected?: AriCallerId;
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime?: string;
  language?: string;
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  state: string;
}

export interface AriApplication {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
}

interface Base {
  timestamp?: string;
  application?: string;
}

export type AriEvent =
  | (Base & { type: 'StasisStart'; args: string[]; channel: AriChannel; replace_channel?: AriChannel })
  | (Base & { type: 'StasisEnd'; channel: AriChannel })
  | (Base & { type: 'ChannelDtmfReceived'; digit: string; duration_ms: number; channel: AriChannel })
  | (Base & { type: 'ChannelHangupRequest'; cause?: number; soft?: boolean; channel: AriChannel })
  | (Base & { type: 'ChannelDestroyed'; cause: number; cause_txt: string; channel: AriChannel })
  | (Base & { type: 'ChannelStateChange'; channel: AriChannel })
  | (Base & { type: 'PlaybackStarted' | 'PlaybackFinished'; playback: AriPlayback })
  | (Base & { type: 'ApplicationReplaced' })
  | (Base & { type: string; [key: string]: unknown });
