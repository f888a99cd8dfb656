using DestinationPortal.Core.Destinations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace DestinationPortal.Web.Components.Destinations;

/// <summary>
/// Puts <see cref="DestinationValidator"/>'s messages into the form's EditContext, next to their fields. A field's
/// message appears once the user has changed that field or tried to save, so a fresh form is not a wall of red.
/// Messages from the server (a duplicate name) are added with <see cref="ShowServerErrors"/> and last until that field changes.
/// </summary>
public sealed class DestinationFormValidator : ComponentBase, IDisposable
{
    private ValidationMessageStore? _messages;
    private EditContext? _context;
    private bool _showAll;
    private readonly Dictionary<string, string> _serverErrors = [];

    [CascadingParameter]
    public EditContext? CurrentEditContext { get; set; }

    protected override void OnParametersSet()
    {
        if (CurrentEditContext is null)
        {
            throw new InvalidOperationException($"{nameof(DestinationFormValidator)} must be placed inside an EditForm.");
        }

        if (ReferenceEquals(_context, CurrentEditContext))
        {
            return;
        }

        Detach();
        _context = CurrentEditContext;
        _messages = new ValidationMessageStore(_context);
        _context.OnFieldChanged += OnFieldChanged;
        _context.OnValidationRequested += OnValidationRequested;
    }

    public void ShowServerErrors(IEnumerable<FieldError> errors)
    {
        foreach (var error in errors)
        {
            _serverErrors[error.Field] = error.Message;
        }

        ShowAll();
    }

    /// <summary>Shows every field's message, touched or not (a save or a test was attempted).</summary>
    public void ShowAll()
    {
        _showAll = true;
        Refresh();
    }

    /// <summary>Hides every message again, for a form that was just reloaded.</summary>
    public void Reset()
    {
        _serverErrors.Clear();
        _showAll = false;
        _context?.MarkAsUnmodified();
        Refresh();
    }

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e)
    {
        _serverErrors.Remove(e.FieldIdentifier.FieldName);
        Refresh();
    }

    private void OnValidationRequested(object? sender, ValidationRequestedEventArgs e)
    {
        // Server-side messages (a duplicate name, a failed test blaming a field) describe the last attempt; a new
        // attempt asks the server again, so they must not block it.
        _serverErrors.Clear();
        _showAll = true;
        Refresh();
    }

    private void Refresh()
    {
        if (_context?.Model is not DestinationInput input || _messages is null)
        {
            return;
        }

        _messages.Clear();
        foreach (var error in DestinationValidator.Validate(input))
        {
            var field = new FieldIdentifier(input, error.Field);
            if (_showAll || _context.IsModified(field))
            {
                _messages.Add(field, error.Message);
            }
        }

        foreach (var (field, message) in _serverErrors)
        {
            _messages.Add(new FieldIdentifier(input, field), message);
        }

        _context.NotifyValidationStateChanged();
    }

    private void Detach()
    {
        if (_context is not null)
        {
            _context.OnFieldChanged -= OnFieldChanged;
            _context.OnValidationRequested -= OnValidationRequested;
            _messages?.Clear();
        }
    }

    public void Dispose() => Detach();
}
