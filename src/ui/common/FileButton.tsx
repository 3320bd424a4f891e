import type { ReactElement } from 'react';

/**
 * A file picker that looks like a button: the <input> stays in the page (focusable, named by its
 * label) and is visually hidden; focus shows on the label.
 */
export function FileButton(props: {
  label: string;
  onFiles: (files: File[]) => void;
  multiple?: boolean;
  accept?: string;
  /** Pick a whole folder (<input webkitdirectory>); files then carry webkitRelativePath. */
  directory?: boolean;
  disabled?: boolean;
  primary?: boolean;
  testId?: string;
}): ReactElement {
  const folderProps = props.directory ? ({ webkitdirectory: '', directory: '' } as Record<string, string>) : {};
  return (
    <label className={`btn file-btn${props.primary ? ' btn-primary' : ''}${props.disabled ? ' is-disabled' : ''}`}>
      <input
        type="file"
        className="visually-hidden"
        multiple={props.multiple || props.directory}
        accept={props.accept}
        disabled={props.disabled}
        data-testid={props.testId}
        {...folderProps}
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (files.length > 0) props.onFiles(files);
        }}
      />
      <span>{props.label}</span>
    </label>
  );
}
