using Microsoft.ML.Tokenizers;

namespace TokenPortal.Core.Gateway;

/// <summary>Counts tokens with OpenAI's o200k encoding: for reservations and for usage an upstream did not report.</summary>
public sealed class TokenCounter
{
    private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public int Count(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : _tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: false);
}
