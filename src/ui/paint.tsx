/** @jsxRuntime automatic @jsxImportSource react */
/**
 * Styled text that honours NO_COLOR: the TUI's components write `<Paint color="red">` where they would write
 * `<Text color="red">`, and with colour off (the provider's value) every style prop is dropped, so the frame has
 * no SGR escape at all (no-color.org; Ink's chalk reads process.env, not the run's env, so it cannot decide).
 */
import { createContext, useContext } from 'react';
import { Text, type TextProps } from 'ink';

/** False when NO_COLOR is set: the TUI then draws plain text. */
export const ColorContext = createContext(true);

/** Ink's `Text`, with its style props (colour, dim, bold, …) dropped when colour is off. */
export function Paint(props: TextProps) {
  const colour = useContext(ColorContext);
  if (colour) return <Text {...props} />;
  const { color: _c, backgroundColor: _b, dimColor: _d, bold: _w, italic: _i, underline: _u, strikethrough: _s, inverse: _v, ...plain } = props;
  return <Text {...plain} />;
}
