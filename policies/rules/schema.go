package rules

// Schema helpers: each returns the JSON-schema property of one config key,
// so that rules declare their config in a line instead of a block.

// stringList is an array of strings.
func stringList(description string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": description}
}

// enumList is an array of strings drawn from values.
func enumList(description string, values ...string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": toAnySlice(values)}, "description": description}
}

// integerList is an array of integers between minimum and maximum.
func integerList(description string, minimum, maximum int) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "integer", "minimum": minimum, "maximum": maximum},
		"description": description}
}

// integer is an integer of at least minimum, and at most maximum when
// maximum > minimum.
func integer(description string, minimum, maximum int) map[string]any {
	s := map[string]any{"type": "integer", "minimum": minimum, "description": description}
	if maximum > minimum {
		s["maximum"] = maximum
	}
	return s
}

// boolean is true or false.
func boolean(description string) map[string]any {
	return map[string]any{"type": "boolean", "description": description}
}

// text is a string.
func text(description string) map[string]any {
	return map[string]any{"type": "string", "description": description}
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
