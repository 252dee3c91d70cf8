// Hard limits of import and export. Each has a default; createIoModule({ limits }) overrides.
export interface IoLimits {
  /** Largest upload accepted; bigger bodies are refused as they stream in (413). */
  maxUploadBytes: number;
  /** Total uncompressed size of the .xlsx zip entries, declared and actual. */
  maxUncompressedBytes: number;
  /** Uncompressed/compressed ratio beyond which an entry (bigger than ratioFloorBytes) is a bomb. */
  maxRatio: number;
  ratioFloorBytes: number;
  /** Entries in an .xlsx zip. */
  maxEntries: number;
  /** Data rows (the header row not counted). */
  maxRows: number;
  /** Columns read per row; cells further right are ignored. */
  maxColumns: number;
  /** Characters in one cell (Excel's own limit is 32,767). */
  maxCellChars: number;
  /** Rows per database batch (import) and per page (export). */
  batchSize: number;
  /** Days an import's error report is kept on disk. */
  reportRetentionDays: number;
}

export const DEFAULT_LIMITS: IoLimits = {
  maxUploadBytes: 20 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: 1000,
  maxRows: 200_000,
  maxColumns: 100,
  maxCellChars: 32_767,
  batchSize: 500,
  reportRetentionDays: 7,
};
