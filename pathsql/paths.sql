-- Touch log -> path table, as DESIGN section 2.2 defines journeys.
--
-- Input: a table `touches` with columns
--   journey_id        text
--   ts                number: event time as Unix seconds or milliseconds
--   seq               number: file order, to break ties between equal times
--   channel           text, NULL or '' on a pure conversion event
--   conversion        1 for a conversion event, 0 for a touch
--   conversion_value  number or NULL
-- Parameter :lookback is the lookback window in the unit of ts; 0 or less
-- means unlimited.
--
-- Output: path, total_conversions, total_conversion_value, total_null —
-- the path table `attrlab import` and `attrlab attribute` read. A row with
-- an empty path holds the conversions that had no touch inside the window
-- (unattributed); attrlab reports them and credits no channel.
--
-- Written in portable SQL with window functions. The one spelling that
-- differs between engines is the ordered string aggregate, marked below:
--   SQLite >= 3.44, DuckDB, PostgreSQL, BigQuery: string_agg(channel, ' > ' ORDER BY rn)
--   Trino / Presto: array_join(array_agg(channel ORDER BY rn), ' > ')
--   Spark SQL: concat_ws(' > ', transform(array_sort(collect_list(struct(rn, channel))), x -> x.channel))
--   Snowflake: listagg(channel, ' > ') WITHIN GROUP (ORDER BY rn)
WITH ordered AS (
  SELECT journey_id, ts, channel, conversion, conversion_value,
         ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY ts, seq) AS rn
  FROM touches
),
-- A row's segment is the number of conversions before it in its journey,
-- so a conversion belongs to the segment it closes.
segmented AS (
  SELECT *,
         COALESCE(SUM(conversion) OVER (PARTITION BY journey_id ORDER BY rn
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS segment
  FROM ordered
),
-- Each segment ends at its conversion, or, for the touches after the last
-- conversion, at its last touch: the lookback window is measured from there.
segments AS (
  SELECT journey_id, segment,
         MAX(conversion) AS converted,
         SUM(CASE WHEN conversion = 1 THEN COALESCE(conversion_value, 0) ELSE 0 END) AS value,
         COALESCE(MAX(CASE WHEN conversion = 1 THEN ts END),
                  MAX(CASE WHEN channel IS NOT NULL AND channel <> '' THEN ts END)) AS end_ts
  FROM segmented
  GROUP BY journey_id, segment
),
kept AS (
  SELECT s.journey_id, s.segment, s.rn, s.channel
  FROM segmented s
  JOIN segments e ON e.journey_id = s.journey_id AND e.segment = s.segment
  WHERE s.channel IS NOT NULL AND s.channel <> ''
    AND (:lookback <= 0 OR e.end_ts - s.ts <= :lookback)
),
paths AS (
  SELECT journey_id, segment,
         string_agg(channel, ' > ' ORDER BY rn) AS path  -- engine-specific, see above
  FROM kept
  GROUP BY journey_id, segment
)
SELECT COALESCE(p.path, '') AS path,
       SUM(e.converted) AS total_conversions,
       SUM(e.value) AS total_conversion_value,
       SUM(1 - e.converted) AS total_null
FROM segments e
LEFT JOIN paths p ON p.journey_id = e.journey_id AND p.segment = e.segment
WHERE e.converted = 1 OR p.path IS NOT NULL
GROUP BY COALESCE(p.path, '')
ORDER BY path;
