/** Fetching the shipped demo assets (relative to the app's base URL), with readable errors. */

/** Fetches the bytes at `url`; `fetchFn` is injectable. */
export type FetchBytes = (url: string) => Promise<Uint8Array>;

/** The demo model's files, relative to the base URL. */
export const DEMO_MODEL_FILES = ['models/fmnist-vit-s/config.json', 'models/fmnist-vit-s/model.safetensors'] as const;

/** The shipped sample dataset, relative to the base URL. */
export const SAMPLE_DATASET_FILE = 'data/fmnist-sample.safetensors';

/** An asset that could not be fetched (missing, offline, or the server answered with a page). */
export class AssetError extends Error {
  /** An error naming the asset and why. */
  constructor(message: string) {
    super(message);
    this.name = 'AssetError';
  }
}

/** `path` resolved against the base URL (which must be absolute in a worker). */
export function assetUrl(baseUrl: string, path: string): string {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
}

/** fetch() → bytes; a 404 or an HTML answer (a dev server's page fallback) is an AssetError. */
export const fetchBytes: FetchBytes = async (url) => {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new AssetError(`could not fetch ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new AssetError(`${url} is not available (HTTP ${response.status})`);
  if ((response.headers.get('content-type') ?? '').includes('text/html')) {
    throw new AssetError(`${url} is not available (the server answered with a web page)`);
  }
  return new Uint8Array(await response.arrayBuffer());
};
