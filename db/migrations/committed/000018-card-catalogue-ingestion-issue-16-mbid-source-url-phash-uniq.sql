--! Previous: sha1:c60b4f6a28a8ec1b5948d289e16fe6493a443eed
--! Hash: sha1:2527b58f610db7e54bd4d80d2d5165b226fa73fa
--! Message: Card catalogue ingestion (issue 16): MBID/source URL/phash unique keys, ingestion runs with progress and errors, candidate images with licence and source, era heuristics, quality filters, staff review, rarity decisions and templates

-- Card catalogue ingestion (issue 16, seed 002 "Artist / Era / Image ingestion & heuristics", "Rarety business rules &
-- classifier logic", weekly sync, /admin ingest artist, /admin sync): unique keys on MBID, source URL and phash per
-- artist; ingestion runs with progress and errors; candidate images with licence, author and source; recorded era
-- choices and rarity decisions. Idempotent: drops what it creates (in dependency order), then creates it again.

drop table if exists app_public.catalogue_rarity_decisions, app_public.catalogue_images, app_public.catalogue_run_errors,
  app_public.catalogue_runs, app_public.catalogue_settings cascade;
drop function if exists app_private.catalogue_unique_code(text, integer, integer, text[]);
drop function if exists app_private.catalogue_choose_era(bigint, bigint, date, text);
drop function if exists app_private.catalogue_licence_usable(jsonb);
drop function if exists app_private.catalogue_roll(text);
drop function if exists app_private.catalogue_rarity_weights(jsonb, jsonb);
drop function if exists app_private.catalogue_rarity_for_roll(jsonb, integer);
drop function if exists app_private.catalogue_queue_run(bigint, text, text, bigint);
drop function if exists app_private.catalogue_publish_image(bigint, timestamptz);
drop function if exists app_hidden.catalogue_upsert_artist(bigint, text, text, boolean, bigint, text, integer, jsonb);
drop function if exists app_hidden.catalogue_upsert_era(bigint, text, text, date, date, text[]);
drop function if exists app_hidden.catalogue_queue_weekly_syncs();

alter table app_public.artists add column if not exists mbid text check (mbid ~ '^[0-9a-f-]{36}$'),
  add column if not exists spotify_id text check (spotify_id ~ '^[A-Za-z0-9]{10,40}$'),
  add column if not exists popularity integer check (popularity between 0 and 100);
create unique index if not exists artists_guild_mbid_key on app_public.artists (guild_id, mbid);
alter table app_public.eras add column if not exists mbid text check (mbid ~ '^[0-9a-f-]{36}$');
create unique index if not exists eras_artist_mbid_key on app_public.eras (artist_id, mbid);
create unique index if not exists era_images_guild_source_url_key on app_public.era_images (guild_id, source_url);

create table app_public.catalogue_settings (
  guild_id             bigint primary key references app_public.guilds on delete cascade,
  distribution         jsonb not null default '{"common": 62, "rare": 23, "epic": 10, "legendary": 4, "mythic": 1}'
                         check (jsonb_typeof(distribution) = 'object'),
  kind_weights         jsonb not null default '{
    "concert":    {"common": 1.5, "rare": 1.5, "epic": 0.5, "legendary": 0.25, "mythic": 0.25},
    "cover":      {"common": 0.5, "rare": 3,   "epic": 1,   "legendary": 0.5,  "mythic": 0.5},
    "mv":         {"common": 0.6, "rare": 1.8, "epic": 2,   "legendary": 0.7,  "mythic": 0.5},
    "promo":      {"common": 0.5, "rare": 1,   "epic": 2,   "legendary": 2,    "mythic": 1.2},
    "red_carpet": {"common": 0.4, "rare": 0.8, "epic": 2.5, "legendary": 3,    "mythic": 1.5}}'
                         check (jsonb_typeof(kind_weights) = 'object'),
  min_stock_per_rarity integer not null default 1 check (min_stock_per_rarity between 0 and 100),
  reuse_bias           numeric(4, 3) not null default 0.5 check (reuse_bias between 0 and 1),
  min_width            integer not null default 800 check (min_width between 1 and 10000),
  phash_distance       integer not null default 6 check (phash_distance between 0 and 32),
  eras_per_artist      integer not null default 6 check (eras_per_artist between 1 and 50),
  images_per_query     integer not null default 3 check (images_per_query between 1 and 50),
  sync_artist_limit    integer not null default 5 check (sync_artist_limit between 0 and 100),
  weekly_sync          boolean not null default false,
  auto_approve         boolean not null default false,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now()
);
comment on table app_public.catalogue_settings is E'@behavior -insert -delete\nCatalogue ingestion settings of a guild: the rarity distribution (percent per rarity) and the multipliers per image kind, the stock policy (min_stock_per_rarity, reuse_bias), quality filters (min_width, phash_distance in bits), how much one run fetches (eras_per_artist, images_per_query), how many new artists a sync may add (sync_artist_limit), whether the weekly sync runs, whether images skip review.';

create table app_public.catalogue_runs (
  id           bigint generated always as identity primary key,
  guild_id     bigint not null references app_public.guilds on delete cascade,
  kind         text not null check (kind in ('ingest_artist', 'weekly_sync')),
  query        text not null check (length(btrim(query)) between 1 and 100),
  status       text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  artist_id    bigint references app_public.artists on delete set null,
  requested_by bigint,
  progress     jsonb not null default '{}' check (jsonb_typeof(progress) = 'object'),
  error_count  integer not null default 0,
  created_at   timestamptz not null default now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  updated_at   timestamptz not null default now(),
  unique (guild_id, id)
);
comment on table app_public.catalogue_runs is E'@behavior -insert -update -delete\nCatalogue ingestion runs: an artist ingested (query: the name asked for) or a weekly sync, who asked, its state, its progress counters (eras, searched, candidates, downloaded, kept, filtered, templates, artists queued) and how many errors it met.';
create unique index catalogue_runs_active_key on app_public.catalogue_runs (guild_id, kind, lower(query)) where status in ('queued', 'running');
create index on app_public.catalogue_runs (guild_id, created_at desc);

create table app_public.catalogue_run_errors (
  id         bigint generated always as identity primary key,
  run_id     bigint not null references app_public.catalogue_runs on delete cascade,
  guild_id   bigint not null,
  stage      text not null,
  subject    text,
  message    text not null,
  created_at timestamptz not null default now()
);
comment on table app_public.catalogue_run_errors is E'@behavior -insert -update -delete\nErrors a catalogue run met (stage, subject such as a query or URL, message); the run goes on past them.';
create index on app_public.catalogue_run_errors (run_id);

create table app_public.catalogue_images (
  id              bigint generated always as identity primary key,
  guild_id        bigint not null,
  run_id          bigint references app_public.catalogue_runs on delete set null,
  artist_id       bigint not null,
  searched_era_id bigint not null,
  era_id          bigint not null,
  era_reason      text not null check (era_reason in ('date_in_window', 'page_text', 'searched_era', 'staff')),
  source          text not null check (source in ('wikimedia', 'spotify', 'lastfm', 'musicbrainz')),
  source_url      text not null check (source_url ~ '^https?://'),
  page_url        text,
  title           text,
  description     text,
  author          text,
  licence         jsonb not null default '{}' check (jsonb_typeof(licence) = 'object'),
  taken_on        date,
  search_query    text,
  status          text not null default 'new' check (status in ('new', 'failed', 'filtered', 'pending', 'approved', 'rejected')),
  filter_reason   text check (filter_reason in ('no_licence', 'too_small', 'duplicate', 'bad_file')),
  error           text,
  attempts        integer not null default 0,
  width           integer check (width > 0),
  height          integer check (height > 0),
  mime            text,
  bytes           integer check (bytes >= 0),
  phash           text check (phash ~ '^[0-9a-f]{16}$'),
  storage_url     text check (storage_url ~ '^(https?|s3|file)://'),
  kind            text check (kind in ('concert', 'mv', 'promo', 'cover', 'red_carpet')),
  kind_reason     text,
  duplicate_of    bigint references app_public.catalogue_images on delete set null,
  era_image_id    bigint references app_public.era_images on delete set null,
  template_id     bigint references app_public.card_templates on delete set null,
  reviewed_by     bigint,
  reviewed_at     timestamptz,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  foreign key (guild_id, artist_id) references app_public.artists (guild_id, id) on delete cascade,
  foreign key (guild_id, era_id) references app_public.eras (guild_id, id) on delete cascade,
  foreign key (guild_id, searched_era_id) references app_public.eras (guild_id, id) on delete cascade,
  check ((status = 'filtered') = (filter_reason is not null)),
  unique (guild_id, source_url),
  unique (guild_id, id)
);
comment on table app_public.catalogue_images is E'@behavior -insert -update -delete\nCandidate images found by ingestion: source, source and page URLs, title, author, licence, date; the era searched and the era chosen with the heuristic that chose it; the download (size, type, perceptual hash, storage URL); the kind with its reason; the quality filters'' verdict (filtered with a reason) and the staff review (pending, approved, rejected). An approved image becomes an era image.';
-- No two kept images of one artist share a perceptual hash (near duplicates are refused by catalogue_check_image).
create unique index catalogue_images_artist_phash_key on app_public.catalogue_images (artist_id, phash) where status in ('pending', 'approved');
create index on app_public.catalogue_images (guild_id, status, id);
create index on app_public.catalogue_images (artist_id, status);

create table app_public.catalogue_rarity_decisions (
  id                   bigint generated always as identity primary key,
  guild_id             bigint not null,
  image_id             bigint not null unique references app_public.catalogue_images on delete cascade,
  era_id               bigint not null references app_public.eras on delete cascade,
  template_id          bigint references app_public.card_templates on delete set null,
  kind                 text not null,
  distribution         jsonb not null,
  base_roll            integer not null check (base_roll between 0 and 9999),
  base_rarity          app_public.card_rarity not null,
  weights              jsonb not null,
  rarity               app_public.card_rarity not null,
  stock                integer not null,
  min_stock_per_rarity integer not null,
  reuse_bias           numeric(4, 3) not null,
  reuse_roll           integer check (reuse_roll between 0 and 9999),
  action               text not null check (action in ('create', 'reuse')),
  reason               text not null,
  decided_by           bigint,
  created_at           timestamptz not null default now(),
  check ((action = 'create') = (template_id is not null) or template_id is null)
);
comment on table app_public.catalogue_rarity_decisions is E'@behavior -insert -update -delete\nWhy an ingested image got its rarity: the distribution, the base roll and base rarity, the weights after the image kind, the stock of that era and rarity against min_stock_per_rarity, the reuse roll against reuse_bias, the action (create a template, or reuse the existing ones) and a sentence saying so.';
create index on app_public.catalogue_rarity_decisions (guild_id, created_at desc);
create index on app_public.catalogue_rarity_decisions (template_id);

alter table app_public.catalogue_settings enable row level security;
alter table app_public.catalogue_runs enable row level security;
alter table app_public.catalogue_run_errors enable row level security;
alter table app_public.catalogue_images enable row level security;
alter table app_public.catalogue_rarity_decisions enable row level security;

create trigger _100_timestamps before insert or update on app_public.catalogue_settings
  for each row execute function app_private.tg__timestamps();
create trigger _050_require_staff before insert or update or delete on app_public.catalogue_settings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__require_staff('SUPERADMIN', 'ADMIN');
create trigger _900_audit after insert or update or delete on app_public.catalogue_settings
  for each row when (current_user = 'coins_staff') execute function app_private.tg__audit('catalogue_settings', 'guild_id');

--! Included catalogue/catalogue_unique_code.sql
create or replace function app_private.catalogue_unique_code(p_name text, p_min integer, p_max integer, p_taken text[])
returns text
language plpgsql immutable
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_base text := upper(regexp_replace(coalesce(p_name, ''), '[^A-Za-z0-9]', '', 'g'));
  v_code text;
  v_n integer := 2;
begin
  if v_base = '' then v_base := 'X'; end if;
  v_base := left(v_base, p_max);
  if length(v_base) < p_min then v_base := rpad(v_base, p_min, 'X'); end if;
  v_code := v_base;
  while v_code = any (coalesce(p_taken, '{}')) loop
    v_code := left(v_base, p_max - length(v_n::text)) || v_n::text;
    v_n := v_n + 1;
  end loop;
  return v_code;
end;
$$;

comment on function app_private.catalogue_unique_code(text, integer, integer, text[]) is
  'The public-id code of an ingested artist or era: the name''s letters and digits, upper case, cut to p_max and padded '
  'with X to p_min; when taken, its tail is replaced by 2, 3, ... until free. Source: seed 002 "Public ID format", '
  'issue 16 "Pipeline".';
--! EndIncluded catalogue/catalogue_unique_code.sql
--! Included catalogue/catalogue_choose_era.sql
create or replace function app_private.catalogue_choose_era(p_artist_id bigint, p_searched_era_id bigint, p_taken_on date,
  p_page_text text, out era_id bigint, out reason text)
language plpgsql stable
set search_path = pg_catalog, public, pg_temp
as $$
begin
  -- 1. The image's date inside an era's window (an open window ends the day before the next era starts).
  if p_taken_on is not null then
    select e.id into era_id from (
      select x.id, x.starts_on,
             coalesce(x.ends_on, lead(x.starts_on) over (order by x.starts_on, x.id) - 1) as ends_on
        from app_public.eras x where x.artist_id = p_artist_id and x.starts_on is not null) e
     where p_taken_on >= e.starts_on and (e.ends_on is null or p_taken_on <= e.ends_on)
     order by e.starts_on desc, e.id desc limit 1;
    if era_id is not null then reason := 'date_in_window'; return; end if;
  end if;
  -- 2. The source page names the era (its album title), the longest name first ("Red (Taylor's Version)" before "Red").
  if p_page_text is not null and btrim(p_page_text) <> '' then
    select e.id into era_id from app_public.eras e
     where e.artist_id = p_artist_id and length(e.name) >= 2
       and strpos(' ' || btrim(regexp_replace(lower(p_page_text), '[^[:alnum:]]+', ' ', 'g')) || ' ',
                  ' ' || btrim(regexp_replace(lower(e.name), '[^[:alnum:]]+', ' ', 'g')) || ' ') > 0
       and btrim(regexp_replace(lower(e.name), '[^[:alnum:]]+', ' ', 'g')) <> ''
     order by length(e.name) desc, e.id limit 1;
    if era_id is not null then reason := 'page_text'; return; end if;
  end if;
  -- 3. The era that was searched for.
  era_id := p_searched_era_id;
  reason := 'searched_era';
end;
$$;

comment on function app_private.catalogue_choose_era(bigint, bigint, date, text) is
  'The era an ingested image belongs to, by the seed''s three heuristics in order: (1) date_in_window: the image''s '
  'date falls inside an era''s start/end window (an era without an end runs to the day before the next era''s start); '
  '(2) page_text: the source page names an era (whole words, case-insensitive, longest name first); (3) searched_era: '
  'the era used in the search query. Returns the era and the reason, which is recorded with the image. Source: seed 002 '
  '"Heuristics to associate image -> era"; issue 16 "Pipeline".';
--! EndIncluded catalogue/catalogue_choose_era.sql
--! Included catalogue/catalogue_licence_usable.sql
create or replace function app_private.catalogue_licence_usable(p_licence jsonb)
returns boolean
language sql immutable
set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(
    -- A named free licence: public domain, CC0, CC BY, CC BY-SA (any version); not NC/ND, not "fair use" or unknown.
    lower(coalesce(p_licence ->> 'short_name', '')) ~ '^(public domain|pd|cc0|cc[ -]by([ -]sa)?([ -][0-9.]+)?)( |$)'
      and lower(coalesce(p_licence ->> 'short_name', '')) !~ '(nc|nd)([ -]|$)'
      -- Attribution licences need an author to credit.
      and (lower(p_licence ->> 'short_name') !~ '^cc[ -]by' or coalesce(btrim(p_licence ->> 'author'), '') <> ''),
    false);
$$;

comment on function app_private.catalogue_licence_usable(jsonb) is
  'Whether an image''s licence lets it be used on a card: public domain, CC0, CC BY or CC BY-SA (with an author to '
  'credit for the BY licences); non-commercial, no-derivatives, fair use and missing licences are refused. Source: '
  'seed 002 "Notes on security, moderation and legal" (prefer public domain, CC-BY), issue 16 "an image without a usable '
  'licence is never used on a card".';
--! EndIncluded catalogue/catalogue_licence_usable.sql
--! Included catalogue/catalogue_roll.sql
create or replace function app_private.catalogue_roll(p_key text)
returns integer
language sql immutable
set search_path = pg_catalog, public, pg_temp
as $$
  select (('x' || left(encode(sha256(convert_to(p_key, 'UTF8')), 'hex'), 8))::bit(32)::bigint % 10000)::integer;
$$;

comment on function app_private.catalogue_roll(text) is
  'A reproducible roll in 0..9999 from a key (the first 32 bits of its SHA-256, modulo 10,000): the rarity draws of '
  'an ingested image are derived from the guild and the image''s source URL, so anyone can recompute a decision and a '
  'rerun draws the same. Source: issue 16 "the decision and its inputs recorded".';
--! EndIncluded catalogue/catalogue_roll.sql
--! Included catalogue/catalogue_rarity_weights.sql
create or replace function app_private.catalogue_rarity_weights(p_distribution jsonb, p_multipliers jsonb)
returns jsonb
language sql immutable
set search_path = pg_catalog, public, pg_temp
as $$
  -- Basis points per rarity, summing to 10,000: base share x kind multiplier, normalised; the rounding remainder goes to common.
  with r as (
    select x.r, x.n, coalesce((p_distribution ->> x.r::text)::numeric, 0) * coalesce((p_multipliers ->> x.r::text)::numeric, 1) as w
      from unnest(enum_range(null::app_public.card_rarity)) with ordinality as x(r, n)
  ), t as (select sum(w) as total from r),
  b as (select r.r, r.n, case when t.total > 0 then floor(r.w * 10000 / t.total)::integer else 0 end as bp from r, t)
  select jsonb_object_agg(b.r, b.bp + case when b.n = 1 then 10000 - (select sum(bp) from b) else 0 end)
    from b;
$$;

comment on function app_private.catalogue_rarity_weights(jsonb, jsonb) is
  'The rarity distribution reweighted by an image kind: each rarity''s base share times the kind''s multiplier, '
  'normalised to basis points summing to 10,000 (the rounding remainder goes to common). Source: seed 002 "Reweight '
  'according to image kind (e.g., red carpet increases weight to epic/legendary)".';
--! EndIncluded catalogue/catalogue_rarity_weights.sql
--! Included catalogue/catalogue_rarity_for_roll.sql
create or replace function app_private.catalogue_rarity_for_roll(p_weights jsonb, p_roll integer)
returns app_public.card_rarity
language sql immutable
set search_path = pg_catalog, public, pg_temp
as $$
  select x.r from (
    select r, sum(coalesce((p_weights ->> r::text)::integer, 0)) over (order by n) as upto
      from unnest(enum_range(null::app_public.card_rarity)) with ordinality as u(r, n)) x
   where p_roll < x.upto order by x.upto limit 1;
$$;

comment on function app_private.catalogue_rarity_for_roll(jsonb, integer) is
  'The rarity a roll in 0..9999 lands on in a distribution of basis points (common first, mythic last). Source: seed '
  '002 "Determine base rarity by sampling the distribution".';
--! EndIncluded catalogue/catalogue_rarity_for_roll.sql
--! Included catalogue/catalogue_queue_run.sql
create or replace function app_private.catalogue_queue_run(p_guild_id bigint, p_kind text, p_query text, p_requested_by bigint)
returns app_public.catalogue_runs
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.catalogue_runs;
begin
  perform 1 from app_public.guilds g where g.id = p_guild_id for update;
  select * into v from app_public.catalogue_runs r
   where r.guild_id = p_guild_id and r.kind = p_kind and lower(r.query) = lower(p_query) and r.status in ('queued', 'running');
  if v.id is not null then return v; end if;
  insert into app_public.catalogue_settings (guild_id) values (p_guild_id) on conflict do nothing;
  insert into app_public.catalogue_runs (guild_id, kind, query, requested_by)
    values (p_guild_id, p_kind, p_query, p_requested_by) returning * into v;
  perform graphile_worker.add_job('catalogue__' || p_kind, json_build_object('run_id', v.id::text),
    job_key := 'catalogue:run:' || v.id, max_attempts := 5);
  return v;
end;
$$;

comment on function app_private.catalogue_queue_run(bigint, text, text, bigint) is
  'Records a catalogue run (ingest_artist or weekly_sync) and queues its job (catalogue__<kind>, job key per run), unless '
  'a run of the same kind and query is already queued or running in the guild: then that run is returned. Source: '
  'issue 16 "Pipeline", "catalogue__weekly_sync".';
--! EndIncluded catalogue/catalogue_queue_run.sql
--! Included catalogue/catalogue_publish_image.sql
create or replace function app_private.catalogue_publish_image(p_image_id bigint, p_at timestamptz)
returns bigint
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.catalogue_images;
  v_era_image bigint;
begin
  select * into v from app_public.catalogue_images i where i.id = p_image_id for update;
  if v.era_image_id is not null then
    update app_public.era_images e set era_id = v.era_id, kind = v.kind
      where e.id = v.era_image_id and (e.era_id, e.kind) is distinct from (v.era_id, v.kind);
    return v.era_image_id;
  end if;
  insert into app_public.era_images (guild_id, era_id, source_url, storage_url, kind, width, height, phash, licence, created_at)
    values (v.guild_id, v.era_id, v.source_url, v.storage_url, v.kind, v.width, v.height, v.phash,
      v.licence || jsonb_strip_nulls(jsonb_build_object('author', v.author, 'page_url', v.page_url, 'source', v.source, 'title', v.title)), p_at)
    on conflict (guild_id, source_url) do update set era_id = excluded.era_id
    returning id into v_era_image;
  update app_public.catalogue_images i set era_image_id = v_era_image where i.id = v.id;
  return v_era_image;
end;
$$;

comment on function app_private.catalogue_publish_image(bigint, timestamptz) is
  'An approved candidate becomes (or updates) the era image the card game uses: era, kind, size, perceptual hash, '
  'storage URL and licence with author, page and source; one era image per source URL. Source: issue 16 "Staff '
  'review", seed 002 "era_images".';
--! EndIncluded catalogue/catalogue_publish_image.sql
--! Included catalogue/catalogue_upsert_artist.sql
create or replace function app_hidden.catalogue_upsert_artist(p_guild_id bigint, p_name text, p_mbid text, p_is_group boolean,
  p_group_id bigint, p_spotify_id text, p_popularity integer, p_metadata jsonb)
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_id bigint;
begin
  -- One artist per MBID per guild (unique key); without an MBID, one per name. The guild's row lock serialises
  -- creation so two jobs ingesting the same artist meet the same row.
  perform 1 from app_public.guilds g where g.id = p_guild_id for update;
  select a.id into v_id from app_public.artists a
   where a.guild_id = p_guild_id
     and ((p_mbid is not null and a.mbid = p_mbid) or (a.mbid is null and lower(a.name) = lower(btrim(p_name))))
   order by (a.mbid is not null) desc, a.id limit 1;
  if v_id is null then
    insert into app_public.artists (guild_id, name, code, is_group, group_id, mbid, spotify_id, popularity, metadata)
      values (p_guild_id, left(btrim(p_name), 100),
        app_private.catalogue_unique_code(p_name, 2, 4, array(select a.code from app_public.artists a where a.guild_id = p_guild_id)),
        coalesce(p_is_group, false), p_group_id, p_mbid, p_spotify_id, p_popularity, coalesce(p_metadata, '{}'))
      returning id into v_id;
  else
    -- Only fill what is missing: staff edits of name, code and group are kept.
    update app_public.artists a set
        mbid = coalesce(a.mbid, p_mbid),
        spotify_id = coalesce(a.spotify_id, p_spotify_id),
        popularity = coalesce(p_popularity, a.popularity),
        group_id = coalesce(a.group_id, p_group_id),
        is_group = a.is_group or coalesce(p_is_group, false),
        metadata = coalesce(p_metadata, '{}') || a.metadata
      where a.id = v_id
        and (a.mbid is distinct from coalesce(a.mbid, p_mbid) or a.spotify_id is distinct from coalesce(a.spotify_id, p_spotify_id)
          or a.popularity is distinct from coalesce(p_popularity, a.popularity) or a.group_id is distinct from coalesce(a.group_id, p_group_id)
          or a.is_group is distinct from (a.is_group or coalesce(p_is_group, false))
          or a.metadata is distinct from (coalesce(p_metadata, '{}') || a.metadata));
  end if;
  return v_id;
end;
$$;

comment on function app_hidden.catalogue_upsert_artist(bigint, text, text, boolean, bigint, text, integer, jsonb) is
  'Ingestion: the artist with this MusicBrainz id (else this name, when it has no MBID) in the guild, created when '
  'missing with a unique code; an existing row only gains what it lacks (staff edits are kept) and is not written when '
  'nothing changes, so a rerun changes nothing. Returns its id. Source: issue 16 "Every job tolerates restarts" (unique '
  'key on MBID), seed 002 "artists + groups".';
--! EndIncluded catalogue/catalogue_upsert_artist.sql
--! Included catalogue/catalogue_upsert_era.sql
create or replace function app_hidden.catalogue_upsert_era(p_artist_id bigint, p_mbid text, p_name text, p_starts_on date,
  p_ends_on date, p_keywords text[])
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_artist app_public.artists;
  v_id bigint;
begin
  select * into v_artist from app_public.artists a where a.id = p_artist_id for update;
  if v_artist.id is null then
    perform app_private.raise_error('CA017', 'artist_not_found', jsonb_build_object('artist_id', p_artist_id));
  end if;
  select e.id into v_id from app_public.eras e
   where e.artist_id = p_artist_id and ((p_mbid is not null and e.mbid = p_mbid) or (e.mbid is null and lower(e.name) = lower(btrim(p_name))))
   order by (e.mbid is not null) desc, e.id limit 1;
  if v_id is null then
    insert into app_public.eras (guild_id, artist_id, name, code, starts_on, ends_on, search_keywords, mbid)
      values (v_artist.guild_id, p_artist_id, left(btrim(p_name), 100),
        app_private.catalogue_unique_code(p_name, 2, 6, array(select e.code from app_public.eras e where e.artist_id = p_artist_id)),
        p_starts_on, case when p_ends_on >= p_starts_on or p_starts_on is null then p_ends_on end, coalesce(p_keywords, '{}'), p_mbid)
      returning id into v_id;
  else
    update app_public.eras e set
        mbid = coalesce(e.mbid, p_mbid),
        starts_on = coalesce(e.starts_on, p_starts_on),
        ends_on = coalesce(e.ends_on, case when p_ends_on >= coalesce(e.starts_on, p_starts_on) or coalesce(e.starts_on, p_starts_on) is null then p_ends_on end),
        search_keywords = case when cardinality(e.search_keywords) = 0 then coalesce(p_keywords, '{}') else e.search_keywords end
      where e.id = v_id
        and (e.mbid is null and p_mbid is not null or e.starts_on is null and p_starts_on is not null
          or e.ends_on is null and p_ends_on is not null and (p_ends_on >= coalesce(e.starts_on, p_starts_on) or coalesce(e.starts_on, p_starts_on) is null)
          or cardinality(e.search_keywords) = 0 and cardinality(coalesce(p_keywords, '{}')) > 0);
  end if;
  return v_id;
end;
$$;

comment on function app_hidden.catalogue_upsert_era(bigint, text, text, date, date, text[]) is
  'Ingestion: the era of this MusicBrainz release group (else this name) of the artist, created when missing with a '
  'unique code, its window (first release date to the day before the next era''s) and its search keywords; an existing '
  'era only gains what it lacks, and is not written when nothing changes. Errors: CA017 artist_not_found. Source: seed 002 '
  '"eras (release groups / promo windows)", "Artist / Era / Image ingestion & heuristics"; issue 16 "Sources".';
--! EndIncluded catalogue/catalogue_upsert_era.sql
--! Included catalogue/catalogue_queue_weekly_syncs.sql
create or replace function app_hidden.catalogue_queue_weekly_syncs()
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_n integer := 0;
  v_guild bigint;
begin
  for v_guild in select s.guild_id from app_public.catalogue_settings s where s.weekly_sync order by s.guild_id loop
    perform app_private.catalogue_queue_run(v_guild, 'weekly_sync', 'sync', null);
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

comment on function app_hidden.catalogue_queue_weekly_syncs() is
  'The weekly cron: queues a weekly_sync run for every guild whose catalogue settings have weekly_sync on (a guild '
  'whose sync is still queued or running keeps that one). Returns how many guilds. Source: seed 002 "Background sync '
  '(weekly) to expand artist base via related artists and top charts"; issue 16.';
--! EndIncluded catalogue/catalogue_queue_weekly_syncs.sql
--! Included catalogue/catalogue_queue_ingest.sql
create or replace function app_hidden.catalogue_queue_ingest(p_guild_id bigint, p_artist_name text)
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_name text := left(btrim(coalesce(p_artist_name, '')), 100);
begin
  if v_name = '' then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'artist_name'));
  end if;
  return (app_private.catalogue_queue_run(p_guild_id, 'ingest_artist', v_name, null)).id;
end;
$$;

comment on function app_hidden.catalogue_queue_ingest(bigint, text) is
  'The weekly sync queues the ingestion of an artist it found (related artists, charts): a run and its '
  'catalogue__ingest_artist job, or the run already queued or running for that name. Returns the run id. Errors: VL001. '
  'Source: seed 002 "Background sync (weekly) to expand artist base via related artists and top charts"; issue 16.';
--! EndIncluded catalogue/catalogue_queue_ingest.sql
--! Included catalogue/catalogue_run_update.sql
create or replace function app_hidden.catalogue_run_update(p_run_id bigint, p_status text, p_progress jsonb, p_artist_id bigint,
  p_at timestamptz)
returns app_public.catalogue_runs
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.catalogue_runs;
  v_key text;
  v_progress jsonb;
begin
  select * into v from app_public.catalogue_runs r where r.id = p_run_id for update;
  if v.id is null then
    perform app_private.raise_error('CG001', 'catalogue_run_not_found', jsonb_build_object('run_id', p_run_id));
  end if;
  v_progress := v.progress;
  -- Counters are set, not added: a retried step reports the same totals again.
  for v_key in select jsonb_object_keys(coalesce(p_progress, '{}')) loop
    v_progress := jsonb_set(v_progress, array[v_key], p_progress -> v_key);
  end loop;
  update app_public.catalogue_runs r set
      status = coalesce(p_status, r.status),
      progress = v_progress,
      artist_id = coalesce(p_artist_id, r.artist_id),
      started_at = case when coalesce(p_status, r.status) = 'running' then coalesce(r.started_at, p_at) else r.started_at end,
      finished_at = case when coalesce(p_status, r.status) in ('done', 'failed') then coalesce(r.finished_at, p_at) else null end,
      updated_at = p_at
    where r.id = p_run_id returning * into v;
  return v;
end;
$$;

comment on function app_hidden.catalogue_run_update(bigint, text, jsonb, bigint, timestamptz) is
  'A catalogue job reports its run''s state (queued, running, done, failed), progress counters (each key replaces the '
  'stored one, so a retried step does not count twice) and artist. Errors: CG001 catalogue_run_not_found. Source: '
  'issue 16 "progress visible", "runs with progress and errors".';
--! EndIncluded catalogue/catalogue_run_update.sql
--! Included catalogue/catalogue_run_error.sql
create or replace function app_hidden.catalogue_run_error(p_run_id bigint, p_stage text, p_subject text, p_message text,
  p_at timestamptz)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if not exists (select 1 from app_public.catalogue_runs r where r.id = p_run_id) then
    perform app_private.raise_error('CG001', 'catalogue_run_not_found', jsonb_build_object('run_id', p_run_id));
  end if;
  insert into app_public.catalogue_run_errors (run_id, guild_id, stage, subject, message, created_at)
    select r.id, r.guild_id, left(p_stage, 40), left(p_subject, 500), left(p_message, 2000), p_at
      from app_public.catalogue_runs r where r.id = p_run_id;
  update app_public.catalogue_runs r set error_count = r.error_count + 1, updated_at = p_at where r.id = p_run_id;
end;
$$;

comment on function app_hidden.catalogue_run_error(bigint, text, text, text, timestamptz) is
  'Records an error met by a catalogue run (the stage: search, eras, images, download, storage, sync; the subject: a '
  'query or URL; the message) and counts it on the run, which goes on with its other work. Errors: CG001. Source: '
  'issue 16 "runs with progress and errors".';
--! EndIncluded catalogue/catalogue_run_error.sql
--! Included catalogue/catalogue_run_state.sql
create or replace function app_hidden.catalogue_run_state(p_run_id bigint)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.catalogue_runs;
begin
  select * into v from app_public.catalogue_runs r where r.id = p_run_id;
  if v.id is null then
    perform app_private.raise_error('CG001', 'catalogue_run_not_found', jsonb_build_object('run_id', p_run_id));
  end if;
  return jsonb_build_object(
    'run', to_jsonb(v),
    'settings', (select to_jsonb(s) from app_public.catalogue_settings s where s.guild_id = v.guild_id),
    'artist', (select to_jsonb(a) from app_public.artists a where a.id = v.artist_id),
    'eras', coalesce((select jsonb_agg(to_jsonb(e) order by e.starts_on nulls last, e.id) from app_public.eras e where e.artist_id = v.artist_id), '[]'),
    -- Candidates still to download: new ones, and failed ones with attempts left.
    'todo', coalesce((select jsonb_agg(jsonb_build_object('id', i.id, 'source_url', i.source_url, 'title', i.title, 'description', i.description, 'page_url', i.page_url,
        'search_query', i.search_query, 'source', i.source) order by i.id)
      from app_public.catalogue_images i where i.artist_id = v.artist_id and (i.status = 'new' or i.status = 'failed' and i.attempts < 3)), '[]'),
    'searched_eras', coalesce((select jsonb_agg(distinct i.searched_era_id) from app_public.catalogue_images i where i.artist_id = v.artist_id), '[]'),
    'known_artists', coalesce((select jsonb_agg(jsonb_build_object('name', a.name, 'mbid', a.mbid) order by a.id)
      from app_public.artists a where a.guild_id = v.guild_id), '[]'));
end;
$$;

comment on function app_hidden.catalogue_run_state(bigint) is
  'What a catalogue job needs to resume a run (the worker reads nothing directly): the run, the guild''s catalogue '
  'settings, the run''s artist and eras, the candidates still to download (new, or failed with fewer than 3 attempts), '
  'the eras already searched, and the guild''s known artists (for the sync). Errors: CG001. Source: issue 16 "resumable".';
--! EndIncluded catalogue/catalogue_run_state.sql
--! Included catalogue/catalogue_record_candidate.sql
create or replace function app_hidden.catalogue_record_candidate(p_run_id bigint, p_artist_id bigint, p_searched_era_id bigint,
  p_source text, p_source_url text, p_page_url text, p_title text, p_author text, p_licence jsonb, p_taken_on date,
  p_page_text text, p_search_query text, p_at timestamptz)
returns app_public.catalogue_images
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_artist app_public.artists;
  v_choice record;
  v app_public.catalogue_images;
begin
  select * into v_artist from app_public.artists a where a.id = p_artist_id;
  if v_artist.id is null then
    perform app_private.raise_error('CA017', 'artist_not_found', jsonb_build_object('artist_id', p_artist_id));
  end if;
  if not exists (select 1 from app_public.eras e where e.id = p_searched_era_id and e.artist_id = p_artist_id) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'searched_era_id'));
  end if;
  -- One candidate per source URL per guild: a rerun (or another era's search finding the same file) meets it again.
  select * into v from app_public.catalogue_images i where i.guild_id = v_artist.guild_id and i.source_url = p_source_url;
  if v.id is not null then return v; end if;
  v_choice := app_private.catalogue_choose_era(p_artist_id, p_searched_era_id, p_taken_on, p_page_text);
  insert into app_public.catalogue_images (guild_id, run_id, artist_id, searched_era_id, era_id, era_reason, source, source_url,
      page_url, title, description, author, licence, taken_on, search_query, created_at, updated_at)
    values (v_artist.guild_id, p_run_id, p_artist_id, p_searched_era_id, v_choice.era_id, v_choice.reason, p_source, p_source_url,
      p_page_url, left(p_title, 500), left(p_page_text, 2000), left(p_author, 500), coalesce(p_licence, '{}'), p_taken_on, left(p_search_query, 300), p_at, p_at)
    on conflict (guild_id, source_url) do nothing
    returning * into v;
  if v.id is null then
    select * into v from app_public.catalogue_images i where i.guild_id = v_artist.guild_id and i.source_url = p_source_url;
  end if;
  return v;
end;
$$;

comment on function app_hidden.catalogue_record_candidate(bigint, bigint, bigint, text, text, text, text, text, jsonb, date, text, text, timestamptz) is
  'Ingestion: records a candidate image found by an era''s search (source, source URL, page, title, author, licence, '
  'date), its era chosen by app_private.catalogue_choose_era with the reason; a source URL already known in the guild '
  'returns the existing candidate unchanged (unique key). Errors: CA017, VL001. Source: issue 16 "Pipeline" (unique '
  'key on source URL), seed 002 "Artist / Era / Image ingestion & heuristics".';
--! EndIncluded catalogue/catalogue_record_candidate.sql
--! Included catalogue/catalogue_check_image.sql
create or replace function app_hidden.catalogue_check_image(p_image_id bigint, p_width integer, p_height integer, p_mime text,
  p_bytes integer, p_phash text, p_storage_url text, p_kind text, p_kind_reason text, p_at timestamptz)
returns app_public.catalogue_images
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.catalogue_images;
  v_settings app_public.catalogue_settings;
  v_dup bigint;
  v_status text;
  v_reason text;
begin
  select * into v from app_public.catalogue_images i where i.id = p_image_id for update;
  if v.id is null then
    perform app_private.raise_error('CG002', 'catalogue_image_not_found', jsonb_build_object('image_id', p_image_id));
  end if;
  -- Only a new (or failed) candidate is checked: a rerun leaves a checked one as it is.
  if v.status not in ('new', 'failed') then return v; end if;
  select * into v_settings from app_public.catalogue_settings s where s.guild_id = v.guild_id;
  -- The artist's lock serialises the duplicate check between concurrent downloads of one artist.
  perform 1 from app_public.artists a where a.id = v.artist_id for update;
  if not app_private.catalogue_licence_usable(v.licence || jsonb_build_object('author', coalesce(v.licence ->> 'author', v.author))) then
    v_status := 'filtered'; v_reason := 'no_licence';
  elsif p_width is null or p_width < coalesce(v_settings.min_width, 800) then
    v_status := 'filtered'; v_reason := 'too_small';
  else
    select i.id into v_dup from app_public.catalogue_images i
     where i.artist_id = v.artist_id and i.id <> v.id and i.phash is not null and i.status in ('pending', 'approved')
       and bit_count(('x' || i.phash)::bit(64) # ('x' || p_phash)::bit(64)) <= coalesce(v_settings.phash_distance, 6)
     order by i.id limit 1;
    if v_dup is not null then
      v_status := 'filtered'; v_reason := 'duplicate';
    else
      v_status := case when coalesce(v_settings.auto_approve, false) then 'approved' else 'pending' end;
    end if;
  end if;
  update app_public.catalogue_images i set
      width = p_width, height = p_height, mime = p_mime, bytes = p_bytes, phash = p_phash,
      storage_url = case when v_status = 'filtered' then null else p_storage_url end,
      kind = p_kind, kind_reason = p_kind_reason, status = v_status, filter_reason = v_reason, duplicate_of = v_dup,
      error = null, updated_at = p_at
    where i.id = v.id returning * into v;
  if v.status = 'approved' then perform app_private.catalogue_publish_image(v.id, p_at); end if;
  select * into v from app_public.catalogue_images i where i.id = p_image_id;
  return v;
end;
$$;

comment on function app_hidden.catalogue_check_image(bigint, integer, integer, text, integer, text, text, text, text, timestamptz) is
  'Ingestion: the quality filters of a downloaded candidate, in order: a usable licence (catalogue_licence_usable), '
  'width >= the guild''s min_width (800), not a duplicate of another kept image of the same artist (perceptual hashes '
  'within phash_distance bits, 6 by default); a refused image is filtered with its reason (no_licence, too_small, '
  'duplicate) and its file is not kept; a kept one waits for review (pending), or is approved at once when the guild '
  'auto-approves. Only new or failed candidates are checked, so a rerun changes nothing. Errors: CG002. Source: seed '
  '002 "Quality filters", "Use phash ... to avoid duplicates"; issue 16 "Pipeline".';
--! EndIncluded catalogue/catalogue_check_image.sql
--! Included catalogue/catalogue_image_failed.sql
create or replace function app_hidden.catalogue_image_failed(p_image_id bigint, p_reason text, p_permanent boolean,
  p_at timestamptz)
returns app_public.catalogue_images
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v app_public.catalogue_images;
begin
  select * into v from app_public.catalogue_images i where i.id = p_image_id for update;
  if v.id is null then
    perform app_private.raise_error('CG002', 'catalogue_image_not_found', jsonb_build_object('image_id', p_image_id));
  end if;
  if v.status not in ('new', 'failed') then return v; end if;
  update app_public.catalogue_images i set
      status = case when p_permanent then 'filtered' else 'failed' end,
      filter_reason = case when p_permanent then 'bad_file' end,
      error = left(p_reason, 500), attempts = i.attempts + 1, updated_at = p_at
    where i.id = v.id returning * into v;
  return v;
end;
$$;

comment on function app_hidden.catalogue_image_failed(bigint, text, boolean, timestamptz) is
  'Ingestion: a candidate''s download failed: permanently (not an image, too large, a type we do not take: filtered '
  'with bad_file) or for now (timeout, 5xx: failed, retried by the next run). Errors: CG002. Source: issue 16 "download '
  '(size and type limits, timeouts)".';
--! EndIncluded catalogue/catalogue_image_failed.sql
--! Included catalogue/catalogue_assign_rarity.sql
create or replace function app_private.catalogue_assign_rarity(p_image_id bigint, p_decided_by bigint, p_at timestamptz)
returns app_public.catalogue_rarity_decisions
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_img app_public.catalogue_images;
  v_set app_public.catalogue_settings;
  v_artist app_public.artists;
  v_era app_public.eras;
  v_base_weights jsonb;
  v_weights jsonb;
  v_base_roll integer;
  v_reuse_roll integer;
  v_base app_public.card_rarity;
  v_rarity app_public.card_rarity;
  v_stock integer;
  v_action text;
  v_reason text;
  v_template app_public.card_templates;
  v_n integer;
  v app_public.catalogue_rarity_decisions;
begin
  select * into v_img from app_public.catalogue_images i where i.id = p_image_id for update;
  select * into v from app_public.catalogue_rarity_decisions d where d.image_id = p_image_id;
  if v.id is not null then return v; end if;
  if v_img.id is null or v_img.status <> 'approved' or v_img.era_image_id is null then
    perform app_private.raise_error('CG003', 'catalogue_image_not_reviewable', jsonb_build_object('image_id', p_image_id, 'status', v_img.status));
  end if;
  select * into v_set from app_public.catalogue_settings s where s.guild_id = v_img.guild_id;
  if v_set.guild_id is null then
    insert into app_public.catalogue_settings (guild_id) values (v_img.guild_id) returning * into v_set;
  end if;
  select * into v_artist from app_public.artists a where a.id = v_img.artist_id;
  -- The era's row lock serialises stock counts and template numbering within the era.
  select * into v_era from app_public.eras e where e.id = v_img.era_id for update;

  -- 1. Base draw from the configured distribution.
  v_base_weights := app_private.catalogue_rarity_weights(v_set.distribution, '{}');
  v_base_roll := app_private.catalogue_roll(v_img.guild_id || ':' || v_img.source_url || ':rarity');
  v_base := app_private.catalogue_rarity_for_roll(v_base_weights, v_base_roll);
  -- 2. Reweighted by the image kind (the same roll, so the shift the kind causes is visible).
  v_weights := app_private.catalogue_rarity_weights(v_set.distribution, coalesce(v_set.kind_weights -> v_img.kind, '{}'));
  v_rarity := app_private.catalogue_rarity_for_roll(v_weights, v_base_roll);
  -- 3. Stock and reuse policy.
  select count(*) into v_stock from app_public.card_templates t
   where t.era_id = v_era.id and t.rarity = v_rarity and t.retired_at is null and not t.temporary;
  if v_stock < v_set.min_stock_per_rarity then
    v_action := 'create';
    v_reason := format('%s %s: base draw %s (roll %s), %s after the %s weights; stock %s < min_stock_per_rarity %s: new template',
      v_era.name, v_rarity, v_base, v_base_roll, v_rarity, v_img.kind, v_stock, v_set.min_stock_per_rarity);
  else
    v_reuse_roll := app_private.catalogue_roll(v_img.guild_id || ':' || v_img.source_url || ':reuse');
    if v_reuse_roll < round(v_set.reuse_bias * 10000) then
      v_action := 'reuse';
      v_reason := format('%s %s: base draw %s (roll %s), %s after the %s weights; stock %s >= %s and reuse roll %s < reuse_bias %s: existing templates reused, image kept in stock',
        v_era.name, v_rarity, v_base, v_base_roll, v_rarity, v_img.kind, v_stock, v_set.min_stock_per_rarity, v_reuse_roll, v_set.reuse_bias);
    else
      v_action := 'create';
      v_reason := format('%s %s: base draw %s (roll %s), %s after the %s weights; stock %s >= %s but reuse roll %s >= reuse_bias %s: new template',
        v_era.name, v_rarity, v_base, v_base_roll, v_rarity, v_img.kind, v_stock, v_set.min_stock_per_rarity, v_reuse_roll, v_set.reuse_bias);
    end if;
  end if;
  if v_action = 'create' then
    select count(*) + 1 into v_n from app_public.card_templates t where t.era_id = v_era.id;
    insert into app_public.card_templates (guild_id, public_id, artist_id, era_id, rarity, image_id, created_at, updated_at)
      values (v_img.guild_id, v_artist.code || '-' || v_era.code || '-' || upper(left(v_rarity::text, 1)) || '-' || lpad(v_n::text, 3, '0'),
        v_artist.id, v_era.id, v_rarity, v_img.era_image_id, p_at, p_at)
      returning * into v_template;
    update app_public.catalogue_images i set template_id = v_template.id where i.id = v_img.id;
  end if;
  insert into app_public.catalogue_rarity_decisions (guild_id, image_id, era_id, template_id, kind, distribution, base_roll,
      base_rarity, weights, rarity, stock, min_stock_per_rarity, reuse_bias, reuse_roll, action, reason, decided_by, created_at)
    values (v_img.guild_id, v_img.id, v_era.id, v_template.id, v_img.kind, v_set.distribution, v_base_roll, v_base, v_weights,
      v_rarity, v_stock, v_set.min_stock_per_rarity, v_set.reuse_bias, v_reuse_roll, v_action, v_reason, p_decided_by, p_at)
    returning * into v;
  return v;
end;
$$;

comment on function app_private.catalogue_assign_rarity(bigint, bigint, timestamptz) is
  'The rarity of an approved ingested image, as the seed says: (1) a base draw from the guild''s distribution (common '
  '62, rare 23, epic 10, legendary 4, mythic 1 by default), (2) reweighted by the image kind''s multipliers (the same '
  'roll on the reweighted distribution: red carpet and promo lean to epic/legendary, concert to common/rare, cover to '
  'rare, mv to rare/epic), (3) the stock policy: fewer live templates of that era and rarity than min_stock_per_rarity '
  'creates a template; otherwise a Bernoulli draw with reuse_bias reuses the existing ones (the image stays in stock, '
  'no template) or creates one. Rolls are derived from the guild and source URL (catalogue_roll), so the decision is '
  'reproducible; it is recorded once per image with every input and a sentence explaining it, and asking again returns '
  'it. Errors: CG003. Source: seed 002 "Rarety business rules & classifier logic", "Image type -> suggested rarity '
  'mapping"; issue 16 "Rarity assignment".';
--! EndIncluded catalogue/catalogue_assign_rarity.sql
--! Included catalogue/catalogue_make_templates.sql
create or replace function app_hidden.catalogue_make_templates(p_guild_id bigint, p_artist_id bigint, p_decided_by bigint,
  p_at timestamptz)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_id bigint;
  v_n integer := 0;
begin
  for v_id in
    select i.id from app_public.catalogue_images i
     where i.guild_id = p_guild_id and (p_artist_id is null or i.artist_id = p_artist_id) and i.status = 'approved'
       and not exists (select 1 from app_public.catalogue_rarity_decisions d where d.image_id = i.id)
     order by i.era_id, i.id
  loop
    perform app_private.catalogue_assign_rarity(v_id, p_decided_by, p_at);
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;

comment on function app_hidden.catalogue_make_templates(bigint, bigint, bigint, timestamptz) is
  'Turns the guild''s (or one artist''s) approved images that have no rarity decision yet into card templates through '
  'catalogue_assign_rarity, era by era in image order; returns how many were decided (0 on a rerun). Source: issue 16 '
  '"render templates for approved images".';
--! EndIncluded catalogue/catalogue_make_templates.sql
--! Included catalogue/request_catalogue_ingest.sql
create or replace function app_public.request_catalogue_ingest(artist_name text)
returns app_public.catalogue_runs
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
  v_name text := btrim(coalesce(artist_name, ''));
begin
  if length(v_name) not between 1 and 100 then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'artist_name'));
  end if;
  return app_private.catalogue_queue_run(v_guild, 'ingest_artist', v_name, app_public.current_discord_id());
end;
$$;

comment on function app_public.request_catalogue_ingest(text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) ask to ingest an artist by name (/cards admin ingest artist, the panel): a run '
  'is recorded and the catalogue__ingest_artist job queued; while a run for that name is queued or running, the same run '
  'is answered (no second job). Errors: AU001, PD001, VL001. Source: seed 002 "/admin ingest artist <artist_name>"; '
  'issue 16 "Pipeline".';
--! EndIncluded catalogue/request_catalogue_ingest.sql
--! Included catalogue/request_catalogue_sync.sql
create or replace function app_public.request_catalogue_sync()
returns app_public.catalogue_runs
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
begin
  return app_private.catalogue_queue_run(app_public.current_guild_id(), 'weekly_sync', 'sync', app_public.current_discord_id());
end;
$$;

comment on function app_public.request_catalogue_sync() is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) run the weekly catalogue sync now (/cards admin sync, the panel): a run is '
  'recorded and catalogue__weekly_sync queued; while one is queued or running it is answered instead. Errors: AU001, '
  'PD001. Source: seed 002 "/admin sync", "Background sync (weekly)"; issue 16 "catalogue__weekly_sync".';
--! EndIncluded catalogue/request_catalogue_sync.sql
--! Included catalogue/review_catalogue_image.sql
create or replace function app_public.review_catalogue_image(image_id bigint, approve boolean, kind text default null,
  era_id bigint default null, reason text default null)
returns app_public.catalogue_images
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
  v_before app_public.catalogue_images;
  v app_public.catalogue_images;
  v_status text;
begin
  select * into v_before from app_public.catalogue_images i
   where i.id = review_catalogue_image.image_id and i.guild_id = v_guild for update;
  if v_before.id is null then
    perform app_private.raise_error('CG002', 'catalogue_image_not_found', jsonb_build_object('image_id', image_id));
  end if;
  if v_before.status not in ('pending', 'approved', 'rejected') then
    perform app_private.raise_error('CG003', 'catalogue_image_not_reviewable', jsonb_build_object('image_id', image_id, 'status', v_before.status));
  end if;
  if kind is not null and kind not in ('concert', 'mv', 'promo', 'cover', 'red_carpet') then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'kind'));
  end if;
  if era_id is not null and not exists (select 1 from app_public.eras e where e.id = review_catalogue_image.era_id and e.artist_id = v_before.artist_id) then
    perform app_private.raise_error('VL001', 'invalid_argument', jsonb_build_object('argument', 'era_id'));
  end if;
  v_status := case when approve is null then v_before.status when approve then 'approved' else 'rejected' end;
  if approve and not app_private.catalogue_licence_usable(v_before.licence || jsonb_build_object('author', coalesce(v_before.licence ->> 'author', v_before.author))) then
    perform app_private.raise_error('CG004', 'catalogue_licence_unusable', jsonb_build_object('image_id', image_id, 'licence', v_before.licence ->> 'short_name'));
  end if;
  if v_before.template_id is not null and (v_status <> 'approved' or coalesce(era_id, v_before.era_id) <> v_before.era_id) then
    perform app_private.raise_error('CG005', 'catalogue_image_has_template', jsonb_build_object('image_id', image_id));
  end if;
  update app_public.catalogue_images i set
      status = v_status,
      kind = coalesce(review_catalogue_image.kind, i.kind),
      kind_reason = case when review_catalogue_image.kind is not null and review_catalogue_image.kind is distinct from i.kind then 'staff' else i.kind_reason end,
      era_id = coalesce(review_catalogue_image.era_id, i.era_id),
      era_reason = case when review_catalogue_image.era_id is not null and review_catalogue_image.era_id <> i.era_id then 'staff' else i.era_reason end,
      reviewed_by = app_public.current_discord_id(), reviewed_at = now(), updated_at = now()
    where i.id = v_before.id returning * into v;
  if v.status = 'approved' then
    perform app_private.catalogue_publish_image(v.id, now());
  elsif v.era_image_id is not null then
    -- A rejected image leaves the game's images (it has no template: checked above).
    update app_public.catalogue_images i set era_image_id = null where i.id = v.id;
    delete from app_public.era_images e where e.id = v.era_image_id
      and not exists (select 1 from app_public.card_templates t where t.image_id = e.id);
  end if;
  select * into v from app_public.catalogue_images i where i.id = v_before.id;
  perform app_private.card_audit(v_guild, 'review_catalogue_image', 'catalogue_image', v.id::text,
    jsonb_build_object('status', v_before.status, 'kind', v_before.kind, 'era_id', v_before.era_id),
    jsonb_build_object('status', v.status, 'kind', v.kind, 'era_id', v.era_id),
    coalesce(nullif(btrim(reason), ''), 'image review'));
  return v;
end;
$$;

comment on function app_public.review_catalogue_image(bigint, boolean, text, bigint, text) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) review an ingested image: approve (it becomes an era image the game can use), '
  'reject (it leaves the game''s images), or with approve null only correct its kind or era (recorded with reason '
  '"staff"). An image without a usable licence cannot be approved; once a template uses it, it cannot be rejected or '
  'moved to another era. Audited with before/after. Errors: AU001, PD001, VL001, CG002 catalogue_image_not_found, CG003 '
  'catalogue_image_not_reviewable (filtered or not yet checked), CG004 catalogue_licence_unusable, CG005 '
  'catalogue_image_has_template. Source: issue 16 "Staff review".';
--! EndIncluded catalogue/review_catalogue_image.sql
--! Included catalogue/render_catalogue_templates.sql
create or replace function app_public.render_catalogue_templates(artist_id bigint default null)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_role app_public.staff_role := app_private.require_staff(array['SUPERADMIN', 'ADMIN', 'OPERATOR']::app_public.staff_role[]);
  v_guild bigint := app_public.current_guild_id();
  v_n integer;
begin
  if artist_id is not null and not exists (select 1 from app_public.artists a where a.id = render_catalogue_templates.artist_id and a.guild_id = v_guild) then
    perform app_private.raise_error('CA017', 'artist_not_found', jsonb_build_object('artist_id', artist_id));
  end if;
  v_n := app_hidden.catalogue_make_templates(v_guild, artist_id, app_public.current_discord_id(), now());
  if v_n > 0 then
    perform app_private.card_audit(v_guild, 'render_catalogue_templates', 'artist', coalesce(artist_id::text, 'all'), null,
      jsonb_build_object('decisions', v_n), 'templates for approved images');
  end if;
  return v_n;
end;
$$;

comment on function app_public.render_catalogue_templates(bigint) is
  'Staff (SUPERADMIN, ADMIN, OPERATOR) turn the approved images (of one artist, or all) into card templates, each with '
  'its recorded rarity decision; the bot renders a template''s card on first use and caches it. Returns how many images '
  'were decided (0 when nothing is new). Audited. Errors: AU001, PD001, CA017. Source: issue 16 "Staff review" ("render '
  'templates" for approved images).';
--! EndIncluded catalogue/render_catalogue_templates.sql
--! Included catalogue/catalogue_settings.policies.sql
-- Row-level security of app_public.catalogue_settings: who reads (and, where granted, writes) which rows.

-- Staff read the guild's catalogue settings; ADMIN+ edit them (trigger _050_require_staff).
drop policy if exists catalogue_settings_staff on app_public.catalogue_settings;
create policy catalogue_settings_staff on app_public.catalogue_settings for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);

drop policy if exists catalogue_settings_staff_update on app_public.catalogue_settings;
create policy catalogue_settings_staff_update on app_public.catalogue_settings for update to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null)
  with check (guild_id = (select app_public.current_guild_id()));
--! EndIncluded catalogue/catalogue_settings.policies.sql
--! Included catalogue/catalogue_runs.policies.sql
-- Row-level security of app_public.catalogue_runs: who reads (and, where granted, writes) which rows.

-- Catalogue ingestion is staff business: any staff role of the guild reads it; changes go through functions.
drop policy if exists catalogue_runs_staff on app_public.catalogue_runs;
create policy catalogue_runs_staff on app_public.catalogue_runs for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded catalogue/catalogue_runs.policies.sql
--! Included catalogue/catalogue_run_errors.policies.sql
-- Row-level security of app_public.catalogue_run_errors: who reads (and, where granted, writes) which rows.

-- Catalogue ingestion is staff business: any staff role of the guild reads it; changes go through functions.
drop policy if exists catalogue_run_errors_staff on app_public.catalogue_run_errors;
create policy catalogue_run_errors_staff on app_public.catalogue_run_errors for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded catalogue/catalogue_run_errors.policies.sql
--! Included catalogue/catalogue_images.policies.sql
-- Row-level security of app_public.catalogue_images: who reads (and, where granted, writes) which rows.

-- Catalogue ingestion is staff business: any staff role of the guild reads it; changes go through functions.
drop policy if exists catalogue_images_staff on app_public.catalogue_images;
create policy catalogue_images_staff on app_public.catalogue_images for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded catalogue/catalogue_images.policies.sql
--! Included catalogue/catalogue_rarity_decisions.policies.sql
-- Row-level security of app_public.catalogue_rarity_decisions: who reads (and, where granted, writes) which rows.

-- Catalogue ingestion is staff business: any staff role of the guild reads it; changes go through functions.
drop policy if exists catalogue_rarity_decisions_staff on app_public.catalogue_rarity_decisions;
create policy catalogue_rarity_decisions_staff on app_public.catalogue_rarity_decisions for select to coins_staff
  using (guild_id = (select app_public.current_guild_id()) and (select app_public.current_staff_role()) is not null);
--! EndIncluded catalogue/catalogue_rarity_decisions.policies.sql

grant select on app_public.catalogue_settings, app_public.catalogue_runs, app_public.catalogue_run_errors,
  app_public.catalogue_images, app_public.catalogue_rarity_decisions to coins_staff;
grant update (distribution, kind_weights, min_stock_per_rarity, reuse_bias, min_width, phash_distance, eras_per_artist,
    images_per_query, sync_artist_limit, weekly_sync, auto_approve) on app_public.catalogue_settings to coins_staff;
grant insert (mbid, spotify_id), update (mbid, spotify_id) on app_public.artists to coins_staff;
grant insert (mbid), update (mbid) on app_public.eras to coins_staff;

revoke all on function app_private.catalogue_unique_code(text, integer, integer, text[]) from public;
revoke all on function app_private.catalogue_choose_era(bigint, bigint, date, text) from public;
revoke all on function app_private.catalogue_licence_usable(jsonb) from public;
revoke all on function app_private.catalogue_roll(text) from public;
revoke all on function app_private.catalogue_rarity_weights(jsonb, jsonb) from public;
revoke all on function app_private.catalogue_rarity_for_roll(jsonb, integer) from public;
revoke all on function app_private.catalogue_queue_run(bigint, text, text, bigint) from public;
revoke all on function app_private.catalogue_publish_image(bigint, timestamptz) from public;
revoke all on function app_private.catalogue_assign_rarity(bigint, bigint, timestamptz) from public;
revoke all on function app_hidden.catalogue_upsert_artist(bigint, text, text, boolean, bigint, text, integer, jsonb) from public;
revoke all on function app_hidden.catalogue_upsert_era(bigint, text, text, date, date, text[]) from public;
revoke all on function app_hidden.catalogue_queue_weekly_syncs() from public;
revoke all on function app_hidden.catalogue_queue_ingest(bigint, text) from public;
revoke all on function app_hidden.catalogue_run_update(bigint, text, jsonb, bigint, timestamptz) from public;
revoke all on function app_hidden.catalogue_run_error(bigint, text, text, text, timestamptz) from public;
revoke all on function app_hidden.catalogue_run_state(bigint) from public;
revoke all on function app_hidden.catalogue_record_candidate(bigint, bigint, bigint, text, text, text, text, text, jsonb, date, text, text, timestamptz) from public;
revoke all on function app_hidden.catalogue_check_image(bigint, integer, integer, text, integer, text, text, text, text, timestamptz) from public;
revoke all on function app_hidden.catalogue_image_failed(bigint, text, boolean, timestamptz) from public;
revoke all on function app_hidden.catalogue_make_templates(bigint, bigint, bigint, timestamptz) from public;
revoke all on function app_public.request_catalogue_ingest(text) from public;
revoke all on function app_public.request_catalogue_sync() from public;
revoke all on function app_public.review_catalogue_image(bigint, boolean, text, bigint, text) from public;
revoke all on function app_public.render_catalogue_templates(bigint) from public;
grant execute on function app_public.request_catalogue_ingest(text), app_public.request_catalogue_sync(),
  app_public.review_catalogue_image(bigint, boolean, text, bigint, text), app_public.render_catalogue_templates(bigint) to coins_staff;
grant execute on function app_hidden.catalogue_upsert_artist(bigint, text, text, boolean, bigint, text, integer, jsonb),
  app_hidden.catalogue_upsert_era(bigint, text, text, date, date, text[]), app_hidden.catalogue_queue_weekly_syncs(), app_hidden.catalogue_queue_ingest(bigint, text),
  app_hidden.catalogue_run_update(bigint, text, jsonb, bigint, timestamptz),
  app_hidden.catalogue_run_error(bigint, text, text, text, timestamptz), app_hidden.catalogue_run_state(bigint),
  app_hidden.catalogue_record_candidate(bigint, bigint, bigint, text, text, text, text, text, jsonb, date, text, text, timestamptz),
  app_hidden.catalogue_check_image(bigint, integer, integer, text, integer, text, text, text, text, timestamptz),
  app_hidden.catalogue_image_failed(bigint, text, boolean, timestamptz),
  app_hidden.catalogue_make_templates(bigint, bigint, bigint, timestamptz) to coins_worker;
