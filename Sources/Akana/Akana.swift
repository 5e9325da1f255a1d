public enum AkanaPlaceholder {}
