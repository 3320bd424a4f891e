import { useState, type ReactElement, type ReactNode } from 'react';
import { filesFromDrop } from './fileDrop';

/** An area that accepts dropped files and folders; the buttons inside it are the keyboard path. */
export function DropZone(props: {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  hint: string;
  children?: ReactNode;
  testId?: string;
}): ReactElement {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`dropzone${over ? ' is-over' : ''}${props.disabled ? ' is-disabled' : ''}`}
      data-testid={props.testId}
      onDragOver={(e) => {
        if (props.disabled) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (props.disabled) return;
        void filesFromDrop(e.dataTransfer).then((files) => {
          if (files.length > 0) props.onFiles(files);
        });
      }}
    >
      {props.children}
      <p className="dropzone-hint">{props.hint}</p>
    </div>
  );
}
