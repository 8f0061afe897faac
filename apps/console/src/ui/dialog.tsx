import { X } from "lucide-react";
import { Dialog as Primitive } from "radix-ui";
import { type ReactNode, useRef } from "react";
import { Button, type ButtonVariant } from "./button.tsx";

/**
 * A modal dialog on Radix's primitive: focus is trapped, Escape closes it, and the title and description
 * label it for assistive technology. Dialogs here are opened from state rather than a Radix trigger, so
 * the element that had focus when it opened is remembered and gets focus back on close.
 */
export function Dialog({
	open,
	onOpenChange,
	title,
	description,
	children,
	footer,
	wide = false,
}: {
	open: boolean;
	onOpenChange: (open: boolean) => void;
	title: string;
	description?: ReactNode;
	children?: ReactNode;
	footer?: ReactNode;
	wide?: boolean;
}) {
	const opener = useRef<HTMLElement | null>(null);
	const wasOpen = useRef(false);
	// Read while rendering the opening: by the time effects run, Radix has moved focus into the dialog.
	if (open && !wasOpen.current && document.activeElement instanceof HTMLElement) {
		opener.current = document.activeElement;
	}
	wasOpen.current = open;
	return (
		<Primitive.Root open={open} onOpenChange={onOpenChange}>
			<Primitive.Portal>
				<Primitive.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
				<Primitive.Content
					className={`fixed top-1/2 left-1/2 z-50 max-h-[90vh] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-5 shadow-xl ${wide ? "max-w-3xl" : "max-w-lg"}`}
					{...(description ? {} : { "aria-describedby": undefined })}
					onCloseAutoFocus={(event) => {
						if (!opener.current?.isConnected) return;
						event.preventDefault();
						opener.current.focus();
					}}
				>
					<div className="flex items-start justify-between gap-4">
						<Primitive.Title className="text-lg font-semibold text-slate-900">{title}</Primitive.Title>
						<Primitive.Close asChild>
							<Button variant="ghost" size="sm" aria-label="Close">
								<X className="size-4" aria-hidden="true" />
							</Button>
						</Primitive.Close>
					</div>
					{description && (
						<Primitive.Description className="mt-1 text-sm text-slate-600">
							{description}
						</Primitive.Description>
					)}
					<div className="mt-4">{children}</div>
					{footer && <div className="mt-5 flex flex-wrap justify-end gap-2">{footer}</div>}
				</Primitive.Content>
			</Primitive.Portal>
		</Primitive.Root>
	);
}

/** "Are you sure?" for destructive actions: names what happens, runs `onConfirm`, shows it running. */
export function ConfirmDialog({
	open,
	onOpenChange,
	title,
	children,
	confirmLabel,
	variant = "danger",
	busy,
	onConfirm,
}: {
	open: boolean;
	onOpenChange: (open: boolean) => void;
	title: string;
	children: ReactNode;
	confirmLabel: string;
	variant?: ButtonVariant;
	busy?: boolean;
	onConfirm: () => void;
}) {
	return (
		<Dialog
			open={open}
			onOpenChange={onOpenChange}
			title={title}
			description={children}
			footer={
				<>
					<Button onClick={() => onOpenChange(false)}>Cancel</Button>
					<Button variant={variant} busy={busy} busyLabel="Working…" onClick={onConfirm}>
						{confirmLabel}
					</Button>
				</>
			}
		/>
	);
}
