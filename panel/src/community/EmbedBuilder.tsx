/**
 * The embed builder (issue 14): inputs for every part of a Discord embed (title, description with
 * Discord markdown, colour, fields, image, thumbnail, footer, author, timestamp) under one form
 * source, and a live preview rendered like Discord's dark theme. The database checks the result
 * (`app_hidden.embed_valid`); {@link cleanEmbed} drops empty parts before saving.
 */
import { Fragment, type ReactNode } from "react";
import { ArrayInput, BooleanInput, SimpleFormIterator, TextInput } from "react-admin";
import { useWatch } from "react-hook-form";
import { Box, Stack, Typography } from "@mui/material";
import { cleanEmbed, formatColour, parseColour, type Embed } from "./embed.ts";

export { cleanEmbed, formatColour, parseColour, type Embed };

/**
 * Discord markdown → React nodes (the subset people use in announcements): **bold**, *italic* /
 * _italic_, __underline__, ~~strike~~, `code`, [links](https://…), line breaks.
 */
export function renderMarkdown(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(\*\*([^*]+)\*\*|__([^_]+)__|\*([^*]+)\*|_([^_]+)_|~~([^~]+)~~|`([^`]+)`|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)|\n)/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let k = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const key = k++;
    if (m[0] === "\n") out.push(<br key={key} />);
    else if (m[2]) out.push(<strong key={key}>{m[2]}</strong>);
    else if (m[3]) out.push(<u key={key}>{m[3]}</u>);
    else if (m[4] || m[5]) out.push(<em key={key}>{m[4] ?? m[5]}</em>);
    else if (m[6]) out.push(<s key={key}>{m[6]}</s>);
    else if (m[7]) out.push(<code key={key} style={{ background: "#2b2d31", padding: "0 3px", borderRadius: 3 }}>{m[7]}</code>);
    else if (m[8]) out.push(<a key={key} href={m[9]} style={{ color: "#00a8fc" }} target="_blank" rel="noreferrer">{m[8]}</a>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A message as Discord shows it (dark theme): text and one embed. */
export function DiscordPreview({ content, embed }: { content?: string; embed: Embed | null }) {
  return (
    <Box data-testid="embed-preview" sx={{ bgcolor: "#313338", color: "#dbdee1", p: 2, borderRadius: 1, fontFamily: "'gg sans', 'Noto Sans', Helvetica, Arial, sans-serif", fontSize: 15, minWidth: 320 }}>
      <Typography sx={{ color: "#f2f3f5", fontWeight: 600, fontSize: 15 }}>
        Guildbank <Box component="span" sx={{ bgcolor: "#5865f2", color: "#fff", fontSize: 10, px: 0.5, borderRadius: 0.5, ml: 0.5 }}>APP</Box>
      </Typography>
      {content && <Box sx={{ whiteSpace: "pre-wrap", mb: 1 }}>{renderMarkdown(content)}</Box>}
      {embed && (
        <Box sx={{ display: "flex", bgcolor: "#2b2d31", borderRadius: 1, borderLeft: `4px solid ${embed.color !== undefined ? formatColour(embed.color) : "#1e1f22"}`, maxWidth: 520, p: 1.5, gap: 2 }}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            {embed.author && <Typography sx={{ fontSize: 14, fontWeight: 600, color: "#f2f3f5", mb: 0.5 }}>{embed.author.name}</Typography>}
            {embed.title && (
              <Typography data-testid="embed-preview-title" sx={{ fontWeight: 700, color: embed.url ? "#00a8fc" : "#f2f3f5", mb: 0.5 }}>
                {embed.title}
              </Typography>
            )}
            {embed.description && <Box sx={{ fontSize: 14, whiteSpace: "pre-wrap" }}>{renderMarkdown(embed.description)}</Box>}
            {embed.fields && embed.fields.length > 0 && (
              <Box sx={{ display: "grid", gridTemplateColumns: "repeat(3, 1fr)", gap: 1, mt: 1 }}>
                {embed.fields.map((f, i) => (
                  <Box key={i} sx={{ gridColumn: f.inline ? "auto" : "1 / -1", fontSize: 14 }}>
                    <Box sx={{ fontWeight: 600, color: "#f2f3f5" }}>{f.name}</Box>
                    <Box>{renderMarkdown(f.value)}</Box>
                  </Box>
                ))}
              </Box>
            )}
            {embed.image && <Box component="img" src={embed.image.url} alt="" sx={{ maxWidth: "100%", borderRadius: 1, mt: 1 }} />}
            {(embed.footer || embed.timestamp) && (
              <Typography sx={{ fontSize: 12, color: "#b5bac1", mt: 1 }}>
                {[embed.footer?.text, embed.timestamp ? new Date(embed.timestamp).toLocaleString() : null].filter(Boolean).map((t, i) => (
                  <Fragment key={i}>{i > 0 ? " • " : ""}{t}</Fragment>
                ))}
              </Typography>
            )}
          </Box>
          {embed.thumbnail && <Box component="img" src={embed.thumbnail.url} alt="" sx={{ width: 80, height: 80, objectFit: "cover", borderRadius: 1 }} />}
        </Box>
      )}
    </Box>
  );
}

/** The live preview of the form's `embed` (and `content`, when the form has one). */
export function LivePreview({ source = "embed", contentSource }: { source?: string; contentSource?: string }) {
  const embed = useWatch({ name: source }) as Parameters<typeof cleanEmbed>[0];
  const content = useWatch({ name: contentSource ?? "__none__" }) as string | undefined;
  return <DiscordPreview content={contentSource ? content : undefined} embed={cleanEmbed(embed)} />;
}

/** The builder's inputs under `source`, beside its live preview. */
export function EmbedBuilderInput({ source = "embed", contentSource }: { source?: string; contentSource?: string }) {
  return (
    <Stack direction={{ xs: "column", lg: "row" }} spacing={3} sx={{ width: "100%" }}>
      <Box sx={{ flex: 1 }}>
        <TextInput source={`${source}.title`} label="Title" fullWidth />
        <TextInput source={`${source}.description`} label="Description (Discord markdown: **bold**, *italic*, __underline__, `code`, [link](https://…))" multiline minRows={3} fullWidth />
        <TextInput source={`${source}.url`} label="Title link (https://…)" fullWidth />
        <TextInput source={`${source}.color`} label="Colour (#rrggbb)" format={formatColour} parse={(v: string) => parseColour(v) ?? v} />
        <ArrayInput source={`${source}.fields`} label="Fields (at most 25)">
          <SimpleFormIterator inline>
            <TextInput source="name" label="Name" />
            <TextInput source="value" label="Value" />
            <BooleanInput source="inline" label="Inline" />
          </SimpleFormIterator>
        </ArrayInput>
        <TextInput source={`${source}.image.url`} label="Image URL (https)" fullWidth />
        <TextInput source={`${source}.thumbnail.url`} label="Thumbnail URL (https)" fullWidth />
        <TextInput source={`${source}.author.name`} label="Author" fullWidth />
        <TextInput source={`${source}.footer.text`} label="Footer" fullWidth />
        <BooleanInput source={`${source}.timestampNow`} label="Timestamp (the time it is saved)" />
      </Box>
      <Box sx={{ flex: 1 }}>
        <Typography variant="subtitle2" gutterBottom>
          Preview
        </Typography>
        <LivePreview source={source} contentSource={contentSource} />
      </Box>
    </Stack>
  );
}
