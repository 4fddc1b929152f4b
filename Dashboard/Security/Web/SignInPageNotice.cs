namespace Dashboard.Security.Web;

/// <summary>
/// Values of the <c>notice</c> query parameter with which the account endpoints redirect back to the
/// sign-in and setup pages (post, redirect, get), and the text each page shows for them.
/// </summary>
public static class SignInPageNotice
{
    public const string QueryName = "notice";

    public const string Failed = "failed";
    public const string LockedOut = "locked";
    public const string SignedOut = "signed-out";
    public const string DisplayLinkInvalid = "display-link";
    public const string SingleSignOnFailed = "sso-failed";
    public const string SetupDone = "setup-done";
    public const string SetupLinkInvalid = "setup-link";
    public const string EmailInvalid = "email";
    public const string PasswordMismatch = "password-mismatch";
    public const string PasswordInvalid = "password";

    /// <summary>Returns the message for a notice, or null for an unknown or missing one.</summary>
    public static string? Text(string? notice, int minimumPasswordLength) => notice switch
    {
        Failed => "The email address or password is wrong.",
        LockedOut => "This account is locked after too many failed attempts. Try again later or ask an administrator to unlock it.",
        SignedOut => "You are signed out.",
        DisplayLinkInvalid => "This display link is invalid or was revoked. Ask an administrator for a new one.",
        SingleSignOnFailed => "Single sign-on failed, or your account has no dashboard role. Ask an administrator.",
        SetupDone => "An administrator account already exists. Sign in with it.",
        SetupLinkInvalid => "The setup link is invalid, used or expired. Restart the app to print a new one.",
        EmailInvalid => "Enter a valid email address.",
        PasswordMismatch => "The two passwords differ.",
        PasswordInvalid => $"The password must have at least {minimumPasswordLength} characters.",
        _ => null,
    };

    /// <summary>Returns whether the notice reports a problem rather than a state.</summary>
    public static bool IsError(string? notice) => notice is not (SignedOut or null);
}
