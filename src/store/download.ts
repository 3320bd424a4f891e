/** Saving a file the worker produced, through a temporary object URL and a download link. */
import type { ExportedFile } from '../worker/engineApi';

/** Offers `file` as a download to the person (browser only). */
export function downloadFile(file: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([file.bytes], { type: file.mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
