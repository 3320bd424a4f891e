/** Name written as the producer of every exported file. */
export const PRODUCER_NAME = 'vit-pruning-studio';

/** The studio's version (kept equal to package.json "version"; a unit test checks it). */
export const PRODUCER_VERSION = '0.1.0';
