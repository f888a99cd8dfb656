namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The one place that decides whether a form is valid: the form, the service, the REST API and import all call it,
/// so a rule and its wording exist once.
/// </summary>
public sealed class DestinationValidator(DestinationTypeCatalog types)
{
    public const int MaxNameLength = 100;

    public IReadOnlyList<FieldError> Validate(DestinationInput input)
    {
        var errors = new List<FieldError>();
        var nameError = FieldRules.DisplayName("Name", input.Name.Trim(), MaxNameLength);
        if (nameError is not null)
        {
            errors.Add(new FieldError(nameof(input.Name), nameError));
        }

        var type = types.Find(input.TypeId);
        if (type is null)
        {
            errors.Add(new FieldError(nameof(input.TypeId), "Type must be one of: " + string.Join(", ", types.All.Select(t => t.DisplayName)) + "."));
            return errors;
        }

        errors.AddRange(type.Validate(input));
        return errors;
    }

    /// <summary>Validates and, when valid, returns the trimmed, typed definition.</summary>
    public DestinationDefinition? TryCreateDefinition(DestinationInput input, out IReadOnlyList<FieldError> errors)
    {
        errors = Validate(input);
        if (errors.Count > 0)
        {
            return null;
        }

        var type = types.Find(input.TypeId)!;
        return new DestinationDefinition(
            Name: input.Name.Trim(),
            TypeId: type.TypeId,
            ServerName: FieldRules.NormalizeHost(input.ServerName)!,
            TlsMode: input.TlsMode,
            PrivateEndpoint: input.UsePrivateEndpoint ? FieldRules.NormalizeHost(input.PrivateEndpoint) : null,
            Port: int.Parse(input.Port.Trim(), System.Globalization.CultureInfo.InvariantCulture),
            WindowsAuthentication: input.WindowsAuthentication,
            Username: input.Username.Trim(),
            Database: input.Database.Trim(),
            CaCertificatePem: input.TlsMode.ChecksCertificate() && !string.IsNullOrWhiteSpace(input.CaCertificate) ? input.CaCertificate.Trim() : null,
            TimeoutSeconds: int.Parse(input.TimeoutSeconds.Trim(), System.Globalization.CultureInfo.InvariantCulture),
            KerberosServiceName: input.WindowsAuthentication ? input.KerberosServiceName.Trim() : PostgreSqlDestinationType.DefaultKerberosServiceName);
    }
}
