namespace TokenPortal.Core.Configuration;

public enum ModelKind
{
    Chat,
    Embedding,
}
