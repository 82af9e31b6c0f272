// Shared UI primitives (Tailwind + React, no dependencies).
export { Alert, type AlertTone } from "./alert";
export { Badge, StatusBadge, type BadgeTone, type Status } from "./badge";
export { Button, buttonClasses, type ButtonProps, type ButtonSize, type ButtonVariant } from "./button";
export { Card, CardBody, CardHeader } from "./card";
export { cn } from "./cn";
export { CopyButton } from "./copy-button";
export { ConfirmDialog, Dialog, type ConfirmDialogProps, type DialogProps } from "./dialog";
export { EmptyState } from "./empty-state";
export { Checkbox, FieldError, FieldHint, Textarea, TextField, Toggle } from "./field";
export { PageHeader } from "./page-header";
export { SecretReveal } from "./secret-reveal";
export { Spinner } from "./spinner";
export { DateTime } from "./date-time";
