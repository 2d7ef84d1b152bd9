namespace Pipeline.Common.Sources;

/// <summary>Splits one RFC 4180 record: quoted fields may hold commas, doubled quotes and line breaks.</summary>
internal static class CsvRecord
{
    /// <summary>Splits <paramref name="text"/> into <paramref name="fields"/>.</summary>
    /// <returns>False when a quoted field is still open at the end: append the next line and call again.</returns>
    /// <exception cref="FormatException">Text after a closing quote.</exception>
    public static bool TrySplit(string text, List<string> fields)
    {
        fields.Clear();
        var field = new System.Text.StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        return false;
                    }
                    if (text[i] != '"')
                    {
                        field.Append(text[i++]);
                    }
                    else if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else
                    {
                        i++;
                        break;
                    }
                }
                if (i < text.Length && text[i] != ',')
                {
                    throw new FormatException($"unexpected character after a closing quote at column {i + 1}");
                }
            }
            else
            {
                // Unquoted: everything up to the next comma, a stray quote kept as is.
                var end = text.IndexOf(',', i);
                if (end < 0)
                {
                    end = text.Length;
                }
                field.Append(text, i, end - i);
                i = end;
            }

            fields.Add(field.ToString());
            if (i >= text.Length)
            {
                return true;
            }
            i++; // the comma
        }
    }
}
