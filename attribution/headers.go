package attribution

import (
	"fmt"
	"strings"
	"unicode"
)

// The header vocabulary (DESIGN section 2.5): for each field, the column
// names that exports from common tools give it, in tiers of priority. A
// column is matched by its normalised name (normalizeHeader), so "User
// ID", "user_id", "userId" and "USER-ID" are one name. When columns of
// different tiers fit a field, the first tier wins and the summary names
// the others; two columns in the same, best tier are an error that says
// which --map to set, because picking one would silently change numbers.
var pathVocabulary = map[string][][]string{
	FieldPath: {
		{FieldPath, "channel_path", "journey", "conversion_path", "top_conversion_paths", "mcf_channel_grouping_path", "default_channel_grouping_path", "basic_channel_grouping_path", "channel_grouping_path", "touchpoint_path", "marketing_channel_path"},
		{"source_medium_path", "source_path", "medium_path", "campaign_path"},
	},
	FieldConversions: {
		{FieldConversions, "conversions", "conv", "conversion_count", "total_conversion", "key_events", "converting_paths", "all_conv"},
	},
	FieldPathValue: {
		{FieldPathValue, "conversion_value", "conv_value", "all_conv_value", "total_value", "revenue", "conversion_revenue", "purchase_revenue"},
		{"value"},
	},
	FieldNulls: {
		{FieldNulls, "nulls", "null", "non_conversions", "non_conversion", "total_nulls", "paths_without_conversion", "paths_without_conversions", "non_converting", "non_converting_paths"},
	},
}

var touchVocabulary = map[string][][]string{
	FieldJourney: {
		{FieldJourney, "user_id", "uid", "customer_id", "contact_id", "person_id", "lead_id", "account_id", "member_id", "profile_id", "crm_id", "record_id"},
		{"email", "email_address", "user_pseudo_id", "anonymous_id", "client_id", "ga_client_id", "visitor_id", "cookie_id", "device_id", "distinct_id"},
		{"session_id", "ga_session_id"},
	},
	FieldTimestamp: {
		{FieldTimestamp, "event_timestamp", "event_time", "touch_time", "touch_timestamp", "time_stamp", "datetime", "date_time", "event_datetime", "touch_date", "activity_date", "created_at", "created_date", "create_date", "createddate", "occurred_at", "received_at", "interaction_time", "visit_time", "session_start"},
		{"time", "ts"},
		{"date", "event_date", "day"},
	},
	FieldChannel: {
		{FieldChannel, "marketing_channel", "channel_grouping", "default_channel_group", "default_channel_grouping", "session_default_channel_group", "session_default_channel_grouping", "first_user_default_channel_group", "touchpoint", "touch_channel"},
		{"source_medium", "session_source_medium", "traffic_source_medium_combined", "utm_source_medium", "first_user_source_medium"},
		{"source", "utm_source", "traffic_source_source", "session_source", "first_user_source", "lead_source", "original_source"},
		{"medium", "utm_medium", "traffic_source_medium", "session_medium", "first_user_medium"},
		{"campaign", "utm_campaign", "campaign_name", "traffic_source_name", "session_campaign"},
	},
	FieldConversion: {
		{FieldConversion, "converted", "is_conversion", "is_converted", "conversion_flag", "converted_flag", "is_key_event", "key_event", "won", "is_won", "closed_won"},
		{"event_name", "event", "interaction", "event_type", "action", "event_action", "activity_type", "activity", "stage", "lifecycle_stage"},
	},
	FieldValue: {
		{FieldValue, "revenue", "purchase_revenue", "conversion_revenue", "transaction_revenue", "total_revenue", "ecommerce_purchase_revenue", "event_value", "event_value_in_usd"},
		{"deal_amount", "deal_value", "order_value", "order_total", "opportunity_amount", "sale_amount"},
		{"amount", "value", "sales", "total"},
	},
	FieldCost: {
		{FieldCost, "spend", "ad_spend", "amount_spent", "media_cost", "cost_micros_converted"},
	},
}

// eventColumns are the conversion column names that hold an event type
// (conversion labels mark conversions) rather than a yes/no flag.
var eventColumns = []string{"event_name", "event", "interaction", "event_type", "action", "event_action", "activity_type", "activity", "stage", "lifecycle_stage"}

// DefaultConversionLabels returns the event names that mark a conversion
// in an event-type column when ImportOptions.ConversionLabel is empty.
func DefaultConversionLabels() []string {
	return []string{"conversion", "purchase", "transaction", "order_completed", "checkout_completed", "lead", "sign_up"}
}

func vocabularyOf(l Layout) map[string][][]string {
	if l == LayoutPaths {
		return pathVocabulary
	}
	return touchVocabulary
}

// HeaderNames returns a copy of the header vocabulary of field in layout l,
// tier by tier, for documentation and the app's help.
func HeaderNames(l Layout, field string) [][]string {
	var out [][]string
	for _, tier := range vocabularyOf(l)[field] {
		out = append(out, append([]string(nil), tier...))
	}
	return out
}

// normalizeHeader reduces a column name to lower-case words joined by
// "_": punctuation and spaces separate words, and so does a lower-to-upper
// case change, so "User ID", "user_id", "userId" and "User-Id" are all
// "user_id", and "Source / Medium" is "source_medium".
func normalizeHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSep := false
	prevLower := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && prevLower {
				pendingSep = true
			}
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
			b.WriteRune(unicode.ToLower(r))
		default:
			pendingSep = true
			prevLower = false
		}
	}
	return b.String()
}

// columnMatch is how the columns of a header map to the fields of a layout.
type columnMatch struct {
	cols map[string]int // field -> column index, -1 if none
	// joins lists, per field read from two columns joined (Session
	// source + Session medium, Date + Time), the columns in the order
	// they are joined; cols holds the first.
	joins map[string][]int
	// alternatives lists, per field matched by name, the other columns
	// that fit it in a lower tier (shown so the user can --map instead),
	// as --map names them (ColumnRef).
	alternatives map[string][]string
	// conflicts lists the columns of fields that two columns fit equally
	// well.
	conflicts map[string][]int
	unused    []string
	// problem is why the --map choices cannot be followed: a column that
	// is not in the header or is named twice, or two columns for a field
	// that is not read from a join.
	problem string
}

// matchHeader maps each field of layout l to a column: manual choices
// (column -> field) first, then the vocabulary tier by tier.
func matchHeader(header []string, l Layout, manual map[string]string) columnMatch {
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = normalizeHeader(h)
	}
	used := make([]bool, len(header))
	cm := columnMatch{cols: map[string]int{}, alternatives: map[string][]string{}, conflicts: map[string][]int{}}
	vocab := vocabularyOf(l)
	for _, f := range fieldsOf(l) {
		cm.cols[f.name] = -1
	}
	cm.matchManual(header, manual, used)
	for _, f := range fieldsOf(l) {
		if cm.cols[f.name] >= 0 {
			continue
		}
		var found []int
		for _, tier := range vocab[f.name] {
			var inTier []int
			for i, h := range norm {
				if used[i] || containsInt(found, i) {
					continue
				}
				for _, name := range tier {
					if h == name {
						inTier = append(inTier, i)
						break
					}
				}
			}
			if len(found) == 0 && len(inTier) > 1 {
				cm.conflicts[f.name] = inTier
			}
			found = append(found, inTier...)
		}
		if len(found) == 0 {
			continue
		}
		cm.cols[f.name] = found[0]
		used[found[0]] = true
		if f.name == FieldChannel && len(cm.conflicts[f.name]) == 0 {
			found = cm.joinSourceMedium(norm, found, used)
		}
		for _, i := range found[1:] {
			cm.alternatives[f.name] = append(cm.alternatives[f.name], ColumnRef(header, i))
		}
	}
	for i, u := range used {
		if !u {
			cm.unused = append(cm.unused, ColumnLabel(header, i))
		}
	}
	return cm
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// conflictError says which columns compete for a field and how to choose,
// in the --map form that works for this header.
func (cm columnMatch) conflictError(header []string, fields []string) error {
	for _, f := range fields {
		if c := cm.conflicts[f]; len(c) > 1 {
			quoted := make([]string, len(c))
			for i, col := range c {
				quoted[i] = fmt.Sprintf("%q", ColumnLabel(header, col))
			}
			return fmt.Errorf("the columns %s could each be the %s: choose one with --map (e.g. --map %s) or in the preview's column pickers", strings.Join(quoted, " and "), f, MapArg(header, c[0], f))
		}
	}
	return nil
}

// layoutFromMap is the layout the --map choices imply: the layout whose
// fields they name, or LayoutAuto when they name none or both.
func layoutFromMap(manual map[string]string) Layout {
	paths, touches := false, false
	for _, field := range manual {
		for _, f := range pathFields {
			if f.name == field {
				paths = true
			}
		}
		for _, f := range touchFields {
			if f.name == field {
				touches = true
			}
		}
	}
	switch {
	case paths && !touches:
		return LayoutPaths
	case touches && !paths:
		return LayoutTouches
	}
	return LayoutAuto
}
