using MudBlazor;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>How the admin pages open their dialogs: one size per kind, and a yes/no for destructive actions.</summary>
internal static class AdminDialogs
{
    public static readonly DialogOptions Form = new() { MaxWidth = MaxWidth.Small, FullWidth = true };

    public static readonly DialogOptions Wide = new() { MaxWidth = MaxWidth.Medium, FullWidth = true };

    /// <summary>True when the admin confirmed <paramref name="action"/> (a red button) rather than cancelled.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string text, string action)
    {
        var dialog = await dialogs.ShowAsync<ConfirmDestructiveDialog>(title,
            new DialogParameters<ConfirmDestructiveDialog> { { d => d.Text, text }, { d => d.Action, action } },
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        return await dialog.Result is { Canceled: false };
    }

    /// <summary>The value a dialog closed with, or default when it was cancelled.</summary>
    public static async Task<T?> ResultAsync<T>(this Task<IDialogReference> opening)
    {
        var result = await (await opening).Result;
        return result is { Canceled: false, Data: T value } ? value : default;
    }
}
